package io.flexnet.socket;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.runtime.RealRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One thread serving many connections through readiness, as a server on epoll does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamPollerTest {
    @Test
    void oneThreadEchoesManyConcurrentClients() throws Exception {
        FakeTransport transport = new FakeTransport(512);
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        StreamPoller poller = new StreamPoller(64, RealRuntime.INSTANCE);
        TcpListenSocket l = tcp.openListener().mode(RecvMode.NON_BLOCKING).listen(7, 32);
        poller.register(l);
        AtomicBoolean stop = new AtomicBoolean();
        Thread server = new Thread(() -> {
            byte[] buf = new byte[300];
            while (!stop.get()) {
                Object s = poller.poll(-1);
                if (s instanceof TcpListenSocket ls) {
                    for (TcpSocket c; (c = ls.accept()) != null; ) poller.register(c);
                } else if (s instanceof TcpSocket c && !c.isClosed()) {
                    // Echo what fits; the rest stays unread until the client drains (back-pressure).
                    for (int n; (n = Math.min(c.readable(), c.writable())) > 0; ) {
                        int got = c.read(buf, 0, Math.min(n, buf.length));
                        c.write(buf, 0, got);
                    }
                    if (c.eof()) c.close();
                }
            }
        });
        server.start();
        int clients = 16;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < clients; i++) {
            final int k = i;
            Thread t = new Thread(() -> {
                try {
                    TcpSocket c = tcp.open();
                    c.connect(FakeTransport.LOCAL_IP, 7);
                    byte[] data = new byte[20_000];
                    new java.util.Random(k).nextBytes(data);
                    Thread writer = new Thread(() -> {
                        c.write(data, 0, data.length);
                        c.shutdownOutput();
                    });
                    writer.start();
                    byte[] back = TcpSocketTest.readAll(c);
                    writer.join();
                    assertArrayEquals(data, back, "client " + k);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join(30_000);
        stop.set(true);
        poller.wakeup();
        server.join(10_000);
        assertFalse(server.isAlive());
        assertEquals(List.of(), failures);
        assertEquals(clients, l.accepted());
    }

    @Test
    void pollReturnsNullWhenNothingChangedInTime() {
        StreamPoller poller = new StreamPoller(4, RealRuntime.INSTANCE);
        assertNull(poller.poll(0));
        assertNull(poller.poll(1_000_000));
    }

    @Test
    void registrationsBeyondCapacityAreRefused() {
        FakeTransport transport = new FakeTransport(512);
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        StreamPoller poller = new StreamPoller(1, RealRuntime.INSTANCE);
        TcpListenSocket l = tcp.openListener().listen(7, 4);
        poller.register(l);
        TcpListenSocket m = tcp.openListener().listen(8, 4);
        assertThrows(IllegalStateException.class, () -> poller.register(m));
        l.close();
        poller.register(m);
        assertEquals(1, poller.registered());
    }
}
