package io.flexnet.socket;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.Await;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.RealRuntime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stream sockets over an in-memory transport: waiting in each mode, back-pressure, ends and errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public class TcpSocketTest {
    static final int PORT = 7;
    static final Duration LONG = Duration.ofSeconds(20);

    final FakeTransport transport = new FakeTransport(4096);
    final TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);

    /** A listening socket, a connected client and the accepted server socket. */
    TcpSocket[] connected(RecvMode mode) {
        TcpListenSocket l = tcp.openListener().listen(PORT, 8);
        TcpSocket client = tcp.open().mode(mode);
        assertTrue(client.connect(FakeTransport.LOCAL_IP, PORT));
        TcpSocket server = l.mode(mode).accept(0);
        assertNotNull(server, "the connection waits in the accept queue");
        return new TcpSocket[] {client, server};
    }

    @Test
    void aBlockedReaderSleepsUntilThePeerWritesAndIsWokenByTheNotifier() throws Exception {
        TcpSocket[] s = connected(RecvMode.BLOCKING);
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
            byte[] buf = new byte[64];
            int n = s[1].read(buf, 0, buf.length);
            return new String(buf, 0, n);
        });
        Await.until(LONG, () -> s[1].sleepers() == 1, () -> "reader not asleep");
        s[0].write("hello".getBytes(), 0, 5);
        assertEquals("hello", got.get(20, TimeUnit.SECONDS));
        assertEquals(0, s[1].sleepers());
        assertEquals(1, s[1].readWaits());
    }

    @Test
    void nonBlockingReadReturnsZeroAndWriteTakesOnlyWhatFits() {
        TcpSocket[] s = connected(RecvMode.NON_BLOCKING);
        byte[] buf = new byte[10_000];
        assertEquals(0, s[1].read(buf, 0, buf.length));
        assertEquals(4096, s[0].write(buf, 0, buf.length), "the send buffer holds 4096");
        assertEquals(0, s[0].write(buf, 0, 1), "full: nothing more");
        assertEquals(4096, s[1].read(buf, 0, buf.length));
        assertEquals(0, s[0].readWaits() + s[0].writeWaits(), "non-blocking never waits");
    }

    @Test
    void aBlockingWriterFeelsBackPressureAndEveryByteArrivesInOrder() throws Exception {
        for (RecvMode mode : new RecvMode[] {RecvMode.BLOCKING, RecvMode.BUSY_POLL}) {
            FakeTransport t = new FakeTransport(4096);
            TcpSockets sockets = new TcpSockets(t, RealRuntime.INSTANCE);
            TcpListenSocket l = sockets.openListener().listen(PORT, 8);
            TcpSocket client = sockets.open().mode(mode);
            client.connect(FakeTransport.LOCAL_IP, PORT);
            TcpSocket server = l.accept();
            server.mode(mode);
            byte[] data = new byte[1 << 20];
            new Random(14).nextBytes(data);
            CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(server));
            assertEquals(data.length, client.write(data, 0, data.length), "blocking write takes all");
            client.shutdownOutput();
            byte[] got = read.get(30, TimeUnit.SECONDS);
            assertArrayEquals(sha256(data), sha256(got), mode + ": byte-exact");
            assertTrue(client.writeWaits() > 0, mode + ": 1 MiB through 4 KiB must wait for room");
            assertEquals(data.length, client.bytesWritten());
            assertEquals(data.length, server.bytesRead());
            assertTrue(server.eof());
        }
    }

    public static byte[] readAll(TcpSocket s) {
        byte[] out = new byte[1 << 16];
        int size = 0;
        byte[] buf = new byte[1500];
        for (int n; (n = s.read(buf, 0, buf.length)) != TcpSocket.EOF; ) {
            if (size + n > out.length) out = Arrays.copyOf(out, out.length * 2);
            System.arraycopy(buf, 0, out, size, n);
            size += n;
        }
        return Arrays.copyOf(out, size);
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void keepaliveOptionsReachTheConnection() {
        TcpSocket[] s = connected(RecvMode.BLOCKING);
        FakeStream c = (FakeStream) s[0].connectionOrNull();
        s[0].keepAlive(true);
        assertArrayEquals(new long[] {1, 0, 0, 0}, c.keepAlive);
        s[0].keepAlive(30_000_000_000L, 5_000_000_000L, 4);
        assertArrayEquals(new long[] {1, 30_000_000_000L, 5_000_000_000L, 4}, c.keepAlive);
        s[0].keepAlive(false);
        assertArrayEquals(new long[] {0, 0, 0, 0}, c.keepAlive);
    }

    @Test
    void aTimedReadReturnsZeroWhenNothingCame() {
        TcpSocket[] s = connected(RecvMode.BLOCKING);
        assertEquals(0, s[1].read(new byte[8], 0, 8, 1_000_000));
        assertEquals(0, s[1].sleepers());
    }

    @Test
    void halfCloseEndsTheStreamAfterItsBytesWhileTheOtherDirectionGoesOn() {
        TcpSocket[] s = connected(RecvMode.BLOCKING);
        s[0].write(new byte[] {1, 2, 3}, 0, 3);
        s[0].shutdownOutput();
        byte[] buf = new byte[8];
        assertEquals(3, s[1].read(buf, 0, 8));
        assertEquals(TcpSocket.EOF, s[1].read(buf, 0, 8));
        assertTrue(s[1].eof());
        assertThrows(TcpException.class, () -> s[0].write(buf, 0, 1));
        assertEquals(2, s[1].write(new byte[] {9, 8}, 0, 2), "the server may still send");
        assertEquals(2, s[0].read(buf, 0, 8));
        assertEquals(TcpState.CLOSE_WAIT, s[1].state());
    }

    @Test
    void aResetWakesABlockedReaderWithTheReason() throws Exception {
        TcpSocket[] s = connected(RecvMode.BLOCKING);
        CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
            try {
                s[1].read(new byte[8], 0, 8);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Await.until(LONG, () -> s[1].sleepers() == 1, () -> "reader not asleep");
        s[0].abort();
        Throwable t = failed.get(20, TimeUnit.SECONDS);
        assertInstanceOf(TcpException.class, t);
        assertTrue(t.getMessage().contains("reset"), t.getMessage());
    }

    @Test
    void closingASocketWakesAThreadBlockedInIt() throws Exception {
        TcpSocket[] s = connected(RecvMode.BLOCKING);
        CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
            try {
                s[1].read(new byte[8], 0, 8);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Await.until(LONG, () -> s[1].sleepers() == 1, () -> "reader not asleep");
        s[1].close();
        assertInstanceOf(IllegalStateException.class, failed.get(20, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, () -> s[1].read(new byte[1], 0, 1));
        s[1].close();  // idempotent
    }

    @Test
    void aBlockingConnectWaitsForTheHandshake() throws Exception {
        tcp.openListener().listen(PORT, 8);
        transport.manualHandshakes = true;
        TcpSocket c = tcp.open();
        CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(() -> c.connect(FakeTransport.LOCAL_IP, PORT));
        Await.until(LONG, () -> c.sleepers() == 1, () -> "connect not asleep");
        assertFalse(done.isDone());
        transport.completeHandshakes();
        assertTrue(done.get(20, TimeUnit.SECONDS));
        assertTrue(c.connected());
    }

    @Test
    void aNonBlockingConnectReturnsAtOnceAndAFailedOpenThrows() {
        transport.manualHandshakes = true;
        TcpSocket c = tcp.open().mode(RecvMode.NON_BLOCKING);
        assertFalse(c.connect(FakeTransport.LOCAL_IP, PORT));
        assertFalse(c.connected());
        transport.refuseHandshakes();
        TcpException e = assertThrows(TcpException.class, c::connected);
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void aRefusedBlockingConnectThrows() {
        TcpSocket c = tcp.open();
        assertThrows(TcpException.class, () -> c.connect(FakeTransport.LOCAL_IP, 1234));
    }

    @Test
    void badArgumentsAreRefusedClearly() {
        TcpSocket c = tcp.open();
        assertThrows(IllegalStateException.class, () -> c.read(new byte[1], 0, 1), "not connected");
        assertThrows(IllegalArgumentException.class, () -> c.connect(0, 80));
        assertThrows(IllegalArgumentException.class, () -> c.connect(FakeTransport.LOCAL_IP, 70_000));
        assertThrows(IllegalArgumentException.class, () -> tcp.openListener().listen(PORT, 0));
        TcpSocket[] s = connected(RecvMode.BLOCKING);
        assertThrows(IndexOutOfBoundsException.class, () -> s[0].write(new byte[4], 2, 4));
        assertThrows(IllegalStateException.class, () -> tcp.openListener().listen(PORT, 8), "port taken, no reusePort");
    }

    @Test
    void noDelayReachesTheConnection() {
        TcpSocket[] s = connected(RecvMode.BLOCKING);
        s[0].noDelay(true);
        assertTrue(((FakeStream) s[0].connectionOrNull()).noDelay);
    }
}
