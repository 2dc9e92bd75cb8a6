package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexnet.proto.tcp.cc.CcState;
import io.flexnet.proto.tcp.cc.CongestionControl;
import io.flexnet.proto.tcp.cc.CongestionControls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Every per-segment call of the parts allocates nothing once constructed (measured in bytes, not time). */
class PartsAllocationTest {

    @Test
    void perSegmentCallsAllocateNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs per-thread allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "per-thread allocation counting unsupported");

        ByteRing ring = new ByteRing(64 * 1024);
        MemorySegment slot = Arena.ofAuto().allocate(2048);
        byte[] app = new byte[1460];
        Reassembly rs = new Reassembly(8);
        SackScoreboard sb = new SackScoreboard(8);
        int[] blocks = new int[8];
        RttEstimator rtt = RttEstimator.linux();
        IsnGenerator isn = new IsnGenerator(1, 2);
        SynCookies cookies = new SynCookies(3, 4);
        CongestionControl cubic = CongestionControls.byName("cubic"), reno = CongestionControls.byName("newreno");
        CcState cs = new CcState(), rsState = new CcState();
        cs.mss = rsState.mss = 1460;
        cubic.init(cs, 0);
        reno.init(rsState, 0);
        long[] sink = new long[1];

        Runnable round = () -> {
            for (int i = 0; i < 100; i++) {
                int base = i * 100_000;
                ring.write(slot, 0, 1460);
                ring.writeAt(ring.size() + 1460, slot, 0, 1460);
                ring.peek(0, slot, 0, 1000);
                ring.read(app, 0, 1460);
                ring.clear();
                rs.add(base, base + 2000, base + 3000);
                rs.add(base, base + 4000, base + 5000);
                sink[0] += rs.sackBlocks(blocks, 4);
                sink[0] += rs.advance(base + 2000);
                rs.clear();
                blocks[0] = base + 1000; blocks[1] = base + 4000;
                sb.update(base, base + 10_000, blocks, 1);
                sink[0] += sb.nextLost(base, base, 1000) + sb.pipe(base, base + 10_000, base, 1000);
                sb.ackedTo(base + 5000);
                sb.clear();
                rtt.sample(1_000_000L + i);
                sink[0] += isn.isn(i, 80, 7, 40000, i) + cookies.check(i, 80, 7, 40000, 1, cookies.cookie(i, 80, 7, 40000, 0, 1460, 0) + 1, 0);
                cs.inFlight = cs.cwnd;
                cubic.onAck(cs, 1460, 1_000_000L, i * 1_000_000L);
                if (i == 50) { cubic.onLoss(cs, i * 1_000_000L); cubic.onRecoveryEnd(cs, i * 1_000_000L); }
                reno.onAck(rsState, 1460, -1, 0);
            }
        };
        for (int i = 0; i < 3_000; i++) round.run();     // let the JIT compile it
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 1_000; i++) round.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(sink[0] != 0);
        // A few bytes of slack for the measurement; one object per call would be megabytes.
        assertTrue(allocated < 10_000, allocated + " bytes for 100,000 rounds of calls");
    }
}
