package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.FaultLink;
import io.flexnet.nic.Faults;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Request/response over one connection between two of our stacks, Nagle on at both ends and the
 * request written in two pieces (write, write, read — the pattern that meets the delayed-ACK × Nagle
 * stall): no exchange may wait for a delayed-ACK timer, so each takes about one round trip of virtual
 * time, never the 40 ms the timer would add.
 */
class RequestResponseSimTest {
    static final long MS = 1_000_000L;

    @Test
    void writeWriteReadNeverWaitsOnTheDelayedAckTimer() {
        ManualClock clock = new ManualClock(1_000_000_000L);
        Faults wire = Faults.NONE.delay(MS, 0);  // 1 ms each way
        FaultLink ab = new FaultLink("a-b", wire, 1, clock::nanoTime), ba = new FaultLink("b-a", wire, 2, clock::nanoTime);
        PacketPool poolA = new PacketPool(256), poolB = new PacketPool(256);
        ProtoStack a = new ProtoStack(new NetConfig(TwoStackSimTest.A_MAC, TwoStackSimTest.A_IP, 24, 0, 1500), poolA,
                p -> ab.offer(0, p), clock);
        ProtoStack b = new ProtoStack(new NetConfig(TwoStackSimTest.B_MAC, TwoStackSimTest.B_IP, 24, 0, 1500), poolB,
                p -> ba.offer(0, p), clock);
        a.arp().learn(TwoStackSimTest.B_IP, TwoStackSimTest.B_MAC);
        b.arp().learn(TwoStackSimTest.A_IP, TwoStackSimTest.A_MAC);
        TcpConfig cfg = TcpConfig.defaults().withQuickAcks(0).withTimeWait(100 * MS);
        Tcp ta = Tcp.attach(a, cfg), tb = Tcp.attach(b, cfg);
        Listener l = tb.listen(80, 4);
        LayerContext cx = LayerContext.at(clock.nanoTime());
        StreamConnection client = ta.connect(TwoStackSimTest.B_IP, 80);
        StreamConnection[] server = {null};
        Runnable step = () -> {
            cx.setNow(clock.nanoTime());
            TwoStackSimTest.deliver(ab, b, cx);
            TwoStackSimTest.deliver(ba, a, cx);
            ta.tick(cx);
            tb.tick(cx);
            if (server[0] == null) server[0] = l.accept();
            long next = Math.min(Math.min(ab.nextDue(), ba.nextDue()), Math.min(ta.nextDeadline(), tb.nextDeadline()));
            clock.set(Math.max(clock.nanoTime() + 1, Math.min(next, clock.nanoTime() + MS)));
        };
        while (server[0] == null || client.state() != TcpState.ESTABLISHED) step.run();
        byte[] half = new byte[32], reply = new byte[64], buf = new byte[256];
        int exchanges = 200;
        long start = clock.nanoTime();
        for (int i = 0; i < exchanges; i++) {
            assertEquals(32, client.write(half, 0, 32));
            assertEquals(32, client.write(half, 0, 32));  // Nagle holds this until the first is ACKed
            int got = 0;
            while (got < 64) {
                step.run();
                int n = server[0].read(buf, 0, buf.length);
                if (n > 0) got += n;
            }
            assertEquals(64, server[0].write(reply, 0, 64));
            int back = 0;
            while (back < 64) {
                step.run();
                int n = client.read(buf, 0, buf.length);
                if (n > 0) back += n;
            }
        }
        long perExchange = (clock.nanoTime() - start) / exchanges;
        assertEquals(0, ta.counters().get("delayed-acks") + tb.counters().get("delayed-acks"),
                "no exchange waited on a delayed-ACK timer");
        assertTrue(perExchange < 10 * MS, "an exchange took " + perExchange / 1e6 + " ms of virtual time, round trip 2 ms");
        System.out.printf("request/response: %.2f ms of virtual time per exchange over a 2 ms round trip%n", perExchange / 1e6);
        client.abort();
        server[0].abort();
        for (int i = 0; i < 10; i++) step.run();
        assertEquals(poolA.capacity(), poolA.available());
        assertEquals(poolB.capacity(), poolB.available());
    }
}
