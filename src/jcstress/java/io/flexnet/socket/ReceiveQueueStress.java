package io.flexnet.socket;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * jcstress test of {@link ReceiveQueue}'s sleeping reader: a worker offers a datagram while an
 * application thread takes, sleeping on the condition if it finds the queue empty. The reader's wait
 * is bounded so that a lost signal shows as an outcome instead of a hung fork: it ends empty-handed
 * with the datagram still queued.
 */
@JCStressTest
@Description("A datagram is offered while a reader finds the queue empty and goes to sleep.")
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "the reader got the datagram, asleep or not")
@Outcome(id = "1, 0, 1", expect = Expect.FORBIDDEN, desc = "lost wake-up: the reader slept through an arrival")
@Outcome(expect = Expect.FORBIDDEN, desc = "a datagram refused, lost or received twice")
@State
public class ReceiveQueueStress {
    /**
     * Far beyond the actors' distance in time (they start together, in step): a reader that waits
     * this long was not signalled.
     */
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The queue only passes the handle along; one slot serves every state. */
    private static final Packet DATAGRAM = new PacketPool(2).get(0);

    final ReceiveQueue queue = new ReceiveQueue(2, io.flexnet.runtime.RealRuntime.INSTANCE);

    @Actor
    public void worker(III_Result r) { r.r1 = queue.offer(DATAGRAM) ? 1 : 0; }

    @Actor
    public void reader(III_Result r) { r.r2 = queue.take(WAIT_NANOS) != null ? 1 : 0; }

    @Arbiter
    public void after(III_Result r) { r.r3 = queue.depth(); }
}
