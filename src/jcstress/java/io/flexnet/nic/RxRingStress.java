package io.flexnet.nic;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * jcstress tests of {@link RxRing}'s wake-up handshake: a producer that publishes a frame and then
 * claims the wake-up, against the poller that, finding the ring empty, arms the flag and looks again.
 * No frame may be left in the ring with the poller gone and nobody told to call it back.
 */
public class RxRingStress {
    private RxRingStress() {}

    /** The ring only passes the handle along; one slot serves every state. */
    private static final Packet FRAME = new PacketPool(2).get(0);

    /** {@link InMemoryNic#receive}'s loop, as it is there: poll; on empty, arm and look once more. */
    static int receive(RxRing ring, int max) {
        int n = 0;
        while (n < max) {
            Packet p = ring.queue.relaxedPoll();
            if (p == null) {
                if (ring.armAndCheckEmpty()) break;
                continue;
            }
            n++;
        }
        return n;
    }

    @JCStressTest
    @Description("A frame arrives while the poller, woken earlier, finds its ring empty and re-arms.")
    @Outcome(id = "0, 1, 0", expect = Expect.ACCEPTABLE, desc = "the poller took the frame; no call-back needed")
    @Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "the poller took the frame; a spurious call-back")
    @Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "the poller stopped; the producer calls it back")
    @Outcome(id = "0, 0, 1", expect = Expect.FORBIDDEN, desc = "lost wake-up: the frame waits with nobody told")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a frame lost or received twice")
    @State
    public static class ClaimAgainstArm {
        final RxRing ring = new RxRing(4, false);

        public ClaimAgainstArm() {
            // The flag starts armed; take that first wake-up, as the producer that woke the poller did.
            ring.claimWakeUp();
        }

        /** {@link InMemoryNic}'s deliver: publish the frame, then claim the wake-up. */
        @Actor
        public void producer(III_Result r) {
            ring.queue.offer(FRAME);
            r.r1 = ring.claimWakeUp() ? 1 : 0;
        }

        @Actor
        public void poller(III_Result r) { r.r2 = receive(ring, 4); }

        @Arbiter
        public void after(III_Result r) { r.r3 = ring.queue.size(); }
    }

    @JCStressTest
    @Description("Two frames arrive at an armed ring from two producers: one wake-up, from exactly one.")
    @Outcome(id = {"1, 0", "0, 1"}, expect = Expect.ACCEPTABLE, desc = "one producer calls the poller")
    @Outcome(id = "1, 1", expect = Expect.FORBIDDEN, desc = "both claimed the one wake-up")
    @Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "neither did: lost wake-up")
    @State
    public static class TwoProducersOneWakeUp {
        final RxRing ring = new RxRing(4, false);

        @Actor
        public void first(II_Result r) {
            ring.queue.offer(FRAME);
            r.r1 = ring.claimWakeUp() ? 1 : 0;
        }

        @Actor
        public void second(II_Result r) {
            ring.queue.offer(FRAME);
            r.r2 = ring.claimWakeUp() ? 1 : 0;
        }
    }
}
