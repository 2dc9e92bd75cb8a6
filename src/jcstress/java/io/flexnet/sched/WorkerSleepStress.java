package io.flexnet.sched;

import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * jcstress tests of a worker going to sleep against an enqueue that should wake it: the worker
 * ({@link WorkerRunner#sleepUntilKicked}) writes its volatile {@code sleeping} flag and then asks its
 * executor for work; the producer's {@link CoroutineQueue#offer} publishes the coroutine, fences and
 * reads the flag of every registered sleeper, kicking those that sleep. Either the worker sees the
 * work or the producer sees the worker asleep.
 *
 * <p>The sleeper here is the worker's protocol without its thread: it decides whether it would park
 * and records kicks instead of parking, so a wrong decision is an outcome rather than a stall.
 */
public class WorkerSleepStress {
    private WorkerSleepStress() {}

    /** One frame serves every state: the queue only passes the coroutine along. */
    private static final PacketPool POOL = new PacketPool(2);
    private static final Coroutine CO = new Coroutines(POOL).of(POOL.get(0));

    /** {@link WorkerRunner#sleepUntilKicked}'s decision, for a worker that is running and granted. */
    static final class Sleeper implements CoroutineQueue.Sleeper {
        private final Executor executor;
        private volatile boolean sleeping;
        /** Written by the producer's kick, read by the arbiter after both actors are done. */
        boolean kicked;

        Sleeper(Executor executor) { this.executor = executor; }

        /** True if the worker would park now. */
        boolean wouldPark() {
            sleeping = true;
            if (executor.hasWork()) {
                sleeping = false;
                return false;
            }
            return true;
        }

        @Override public boolean sleeping() { return sleeping; }

        @Override public void kick() { kicked = true; }
    }

    @Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "the worker saw the work and stayed up")
    @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the worker saw the work; a spurious kick")
    @Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "the worker went to sleep and was kicked")
    @Outcome(id = "0, 1", expect = Expect.FORBIDDEN, desc = "lost wake-up: asleep with work queued, never kicked")
    public abstract static class SleepAgainstOffer {
        final CoroutineQueue queue;
        final Sleeper worker;

        SleepAgainstOffer(CoroutineQueue.Concurrency c) {
            queue = new CoroutineQueue("stress", 2, c);
            worker = new Sleeper(new RoundRobinExecutor(queue));
            queue.addSleeper(worker);
        }

        void offer() { queue.offer(CO); }

        void sleep(II_Result r) { r.r2 = worker.wouldPark() ? 1 : 0; }

        void kicked(II_Result r) { r.r1 = worker.kicked ? 1 : 0; }
    }

    @JCStressTest
    @Description("The worker sleeps on a single-consumer queue (the ring) as a coroutine is offered.")
    @State
    public static class OnRing extends SleepAgainstOffer {
        public OnRing() { super(CoroutineQueue.Concurrency.SPSC); }
        @Actor public void producer() { offer(); }
        @Actor public void worker(II_Result r) { sleep(r); }
        @Arbiter public void after(II_Result r) { kicked(r); }
    }

    @JCStressTest
    @Description("The worker sleeps on a many-consumer queue (JCTools') as a coroutine is offered.")
    @State
    public static class OnSharedQueue extends SleepAgainstOffer {
        public OnSharedQueue() { super(CoroutineQueue.Concurrency.MPMC); }
        @Actor public void producer() { offer(); }
        @Actor public void worker(II_Result r) { sleep(r); }
        @Arbiter public void after(II_Result r) { kicked(r); }
    }
}
