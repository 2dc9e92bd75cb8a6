package io.flexnet.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexnet.nic.Await;
import io.flexnet.runtime.RealRuntime;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading and writing a stream socket allocate nothing per call; a blocked reader is parked, not spinning. */
class TcpSocketAllocationTest {
    @Test
    void readWriteAndWouldBlockAllocateNothingPerCall() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported());
        FakeTransport t = new FakeTransport(1 << 16);
        TcpSockets tcp = new TcpSockets(t, RealRuntime.INSTANCE);
        TcpListenSocket l = tcp.openListener().listen(7, 4);
        TcpSocket client = tcp.open();
        client.connect(FakeTransport.LOCAL_IP, 7);
        TcpSocket server = l.accept();
        byte[] buf = new byte[512];
        for (int i = 0; i < 200_000; i++) round(client, server, buf);
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) round(client, server, buf);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(300_000L * 512, server.bytesRead());
        assertEquals(0, allocated / 100_000, allocated + " bytes for 100,000 rounds");
    }

    /** A blocking write and read with bytes waiting, then a non-blocking read that would block. */
    private static void round(TcpSocket client, TcpSocket server, byte[] buf) {
        client.mode(RecvMode.BLOCKING).write(buf, 0, buf.length);
        server.mode(RecvMode.BLOCKING).read(buf, 0, buf.length);
        server.mode(RecvMode.NON_BLOCKING).read(buf, 0, buf.length);
    }

    @Test
    void aBlockedReaderIsParkedNotSpinning() throws Exception {
        FakeTransport t = new FakeTransport(1024);
        TcpSockets tcp = new TcpSockets(t, RealRuntime.INSTANCE);
        TcpListenSocket l = tcp.openListener().listen(7, 4);
        TcpSocket client = tcp.open();
        client.connect(FakeTransport.LOCAL_IP, 7);
        TcpSocket server = l.accept();
        int[] got = new int[1];
        Thread reader = new Thread(() -> got[0] = server.read(new byte[8], 0, 8), "reader");
        reader.start();
        Await.until(Duration.ofSeconds(20), () -> server.sleepers() == 1
                && (reader.getState() == Thread.State.WAITING || reader.getState() == Thread.State.TIMED_WAITING),
                () -> "reader " + reader.getState());
        // Still parked on a second look: a spinning wait shows RUNNABLE between its parks.
        for (int i = 0; i < 100; i++) {
            Thread.State s = reader.getState();
            assertTrue(s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING, "reader " + s);
        }
        client.write(new byte[] {1, 2, 3}, 0, 3);
        reader.join(20_000);
        assertEquals(3, got[0]);
    }
}
