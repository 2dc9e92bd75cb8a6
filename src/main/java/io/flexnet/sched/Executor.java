package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import java.util.List;

/**
 * Decides which suspended coroutines a worker resumes next — the paper's executors (Listings 2 and 6).
 * A worker calls {@link #doWork} once per {@linkplain Worker#round round}, and the round's total goes
 * to whoever drives the rounds (on a thread: the idle strategy): return how many coroutines were
 * resumed, 0 when there was nothing to do. An executor never sleeps: sleeping and waking are the
 * worker's, which learns from {@link #wakeSources()} where arrivals come from.
 *
 * <p>An executor chooses queues and counts; the {@link ExecContext} dequeues and resumes. Executor
 * code therefore never holds a coroutine, and if it throws the worker counts the fault and goes on with
 * nothing lost.
 *
 * <pre>{@code
 * // Listing 2: one coroutine from each queue per call.
 * Executor rr = new Executor() {
 *     public int doWork(ExecContext ctx) {
 *         int n = 0;
 *         for (CoroutineQueue q : queues) n += ctx.resume(q, 1);
 *         return n;
 *     }
 *     public List<CoroutineQueue> queues() { return queues; }
 * };
 * }</pre>
 */
public interface Executor {
    int doWork(ExecContext ctx);

    /** The queues this executor drains; core policies read their signals. */
    List<CoroutineQueue> queues();

    /** Whether a call to {@link #doWork} now would find work; a worker re-checks before sleeping. */
    default boolean hasWork() {
        for (CoroutineQueue q : queues()) if (!q.isEmpty()) return true;
        return false;
    }

    /**
     * Where work for this executor arrives: a worker that sleeps when idle registers with these so an
     * arrival wakes it. By default its queues; an executor fed from elsewhere (a NIC, see
     * {@link NicPoll}) names that source. Asked once, when the worker is made.
     */
    default List<WakeSource> wakeSources() { return List.copyOf(queues()); }

    default String name() { return getClass().getSimpleName(); }
}
