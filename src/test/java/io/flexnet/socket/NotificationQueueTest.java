// One notification queue for 10,000 sockets: the sleeping reader learns exactly which have data.
package io.flexnet.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.nic.Await;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class NotificationQueueTest {
    static final int SOCKETS = 10_000, FIRST_PORT = 20_000, ACTIVE = 2_000;

    @Test
    void tenThousandSocketsOneSleepingReaderEveryDatagramReadOnce() throws Exception {
        try (PacketPool pool = new PacketPool(8192)) {
            ProtoStack stack = new ProtoStack(Hosts.config(), pool, p -> p.release(), new ManualClock(1_000_000_000L));
            Sockets sockets = new Sockets(stack);
            NotificationQueue q = new NotificationQueue(SOCKETS);
            Map<Long, UdpSocket> byToken = new HashMap<>();
            for (int i = 0; i < SOCKETS; i++) {
                UdpSocket s = sockets.open(8).mode(RecvMode.NON_BLOCKING);
                s.bind(FIRST_PORT + i);
                s.notifyTo(q, FIRST_PORT + i);
                byToken.put((long) FIRST_PORT + i, s);
            }
            assertEquals(SOCKETS, q.registered());

            Map<Long, Integer> readPerSocket = new ConcurrentHashMap<>();
            AtomicLong read = new AtomicLong();
            AtomicLong stop = new AtomicLong();
            Thread reader = Thread.ofPlatform().start(() -> {
                long[] ready = new long[256];
                byte[] buf = new byte[64];
                Peer from = new Peer();
                while (stop.get() == 0) {
                    int n = q.await(ready, 200_000_000L);
                    for (int i = 0; i < n; i++) {
                        UdpSocket s = byToken.get(ready[i]);
                        while (s.receive(buf, 0, buf.length, from, 0) >= 0) {
                            readPerSocket.merge(ready[i], 1, Integer::sum);
                            read.incrementAndGet();
                        }
                    }
                }
            });
            // It sleeps: no datagram yet, and waiting is not spinning.
            Await.until(Duration.ofSeconds(10), () -> reader.getState() == Thread.State.TIMED_WAITING,
                    () -> "reader state " + reader.getState());

            SplittableRandom rnd = new SplittableRandom(4317);
            TreeSet<Long> chosen = new TreeSet<>();
            while (chosen.size() < ACTIVE) chosen.add((long) FIRST_PORT + rnd.nextInt(SOCKETS));
            List<Long> order = new ArrayList<>(chosen);
            Map<Long, Integer> sent = new HashMap<>();
            long total = 0;
            for (int round = 0; round < 3; round++) {
                for (long port : order) {
                    if (round > 0 && rnd.nextInt(3) != 0) continue;
                    stack.receive(Packets.copy(pool, Frame.udp().ports(40000, (int) port).payload(8).build()));
                    sent.merge(port, 1, Integer::sum);
                    total++;
                }
            }
            final long expected = total;
            Await.until(Duration.ofSeconds(20), () -> read.get() == expected, () -> "read " + read.get() + " of " + expected);
            stop.set(1);
            reader.join(5_000);
            assertEquals(sent, new HashMap<>(readPerSocket), "each datagram read once, from the socket it was sent to");
            assertTrue(q.notifications() >= ACTIVE && q.notifications() <= total,
                    "one notification per arming: " + q.notifications() + " for " + total + " datagrams");
            assertEquals(Map.of(), stack.dropsByReason());
            for (UdpSocket s : byToken.values()) s.close();
            assertEquals(pool.capacity(), pool.available());
        }
    }

    @Test
    void pollReturnsAtOnceAndAwaitTimesOut() {
        NotificationQueue q = new NotificationQueue(2);
        int a = q.register(7), b = q.register(9);
        long[] out = new long[4];
        assertEquals(0, q.poll(out));
        assertEquals(0, q.await(out, 1_000_000L));
        q.readable(b);
        q.readable(b);          // still pending: not reported twice
        q.readable(a);
        assertEquals(2, q.poll(out));
        assertEquals(9, out[0]);
        assertEquals(7, out[1]);
        q.readable(b);          // re-armed by the take: reported again
        assertEquals(1, q.poll(out));
        assertEquals(9, out[0]);
    }

    @Test
    void aTcpSocketReportsReadableAndWritableWithItsToken() {
        TcpSockets tcp = new TcpSockets(new FakeTransport(4096), io.flexnet.runtime.RealRuntime.INSTANCE);
        TcpListenSocket l = tcp.openListener().listen(80, 4);
        TcpSocket client = tcp.open().mode(RecvMode.NON_BLOCKING);
        client.connect(FakeTransport.LOCAL_IP, 80);
        TcpSocket server = l.accept(0).mode(RecvMode.NON_BLOCKING);
        NotificationQueue q = new NotificationQueue(4);
        long[] tokens = new long[4];
        int[] ev = new int[4];
        server.notifyTo(q, 77);
        assertEquals(1, q.poll(tokens, ev), "ready at once: room to write");
        assertEquals(77, tokens[0]);
        assertEquals(NotificationQueue.WRITABLE, ev[0]);

        client.write(new byte[] {1, 2, 3}, 0, 3);
        assertEquals(1, q.poll(tokens, ev));
        assertEquals(NotificationQueue.READABLE, ev[0] & NotificationQueue.READABLE, "data came");
        assertEquals(3, server.read(new byte[8], 0, 8));

        byte[] big = new byte[1024];
        while (server.write(big, 0, big.length) > 0) { }  // fill the send buffer
        q.poll(tokens, ev);  // whatever the writes reported
        assertEquals(0, q.poll(tokens, ev), "nothing new while the buffer is full");
        byte[] sink = new byte[8192];
        assertTrue(client.read(sink, 0, sink.length) > 0);
        assertEquals(1, q.poll(tokens, ev));
        assertEquals(NotificationQueue.WRITABLE, ev[0], "room again after the peer read");
        client.abort();
        server.abort();
        l.close();
    }
}
