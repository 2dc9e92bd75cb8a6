package io.flexnet.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Hosts;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.proto.tcp.TcpConfig;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.sim.CostModel;
import io.flexnet.runtime.sim.SimRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TCP's timers on the simulated runtime, which runs no platform thread: driven as events in virtual
 * time, they retransmit a SYN nobody answers at the RFC 6298 back-off (1 s, then 2 s, 4 s, ...) to the
 * nanosecond, and give the open up after the configured retries — the same run every time.
 */
class TcpTimersSimTest {
    static final long S = 1_000_000_000L;

    private static List<Long> synTimes() {
        SimRuntime sim = new SimRuntime(1, CostModel.FREE);
        List<Long> sent = new ArrayList<>();
        try (PacketPool pool = new PacketPool(64)) {
            ProtoStack stack = new ProtoStack(Hosts.config(), pool, p -> {
                sent.add(sim.nanoTime());
                p.release();  // a peer that never answers
            }, sim);
            stack.arp().learn(Hosts.PEER.ip(), Hosts.PEER.mac());
            Tcp tcp = Tcp.attach(stack, TcpConfig.defaults());
            TcpTimers timers = new TcpTimers(tcp, sim);
            timers.startSimulated(sim);
            long t0 = sim.nanoTime();
            StreamConnection c = tcp.connect(Hosts.PEER.ip(), 40000);
            sim.runUntil(t0 + 300 * S);
            assertEquals(TcpState.CLOSED, c.state(), "the open gave up");
            TcpException e = assertThrows(TcpException.class, () -> c.read(new byte[1], 0, 1));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            List<Long> rel = new ArrayList<>();
            for (long t : sent) rel.add(t - t0);
            try {
                timers.stop();
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
            assertEquals(pool.capacity(), pool.available());
            return rel;
        }
    }

    @Test
    void anUnansweredSynIsRetransmittedWithBackOffInVirtualTime() {
        List<Long> times = synTimes();
        int retries = TcpConfig.defaults().synRetries();
        assertEquals(1 + retries, times.size(), "the SYN and its retransmissions: " + times);
        long tick = TcpConfig.defaults().tickNanos();
        long[] expected = {0, 1 * S, 3 * S, 7 * S};
        for (int i = 0; i < 4; i++) {
            assertTrue(times.get(i) >= expected[i] && times.get(i) <= expected[i] + 2 * tick,
                    "SYN " + i + " at " + times.get(i) + " ns, expected " + expected[i] + " (+ a wheel tick)");
        }
        assertEquals(times, synTimes(), "the same run every time");
    }
}
