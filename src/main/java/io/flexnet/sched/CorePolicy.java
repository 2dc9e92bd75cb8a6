package io.flexnet.sched;

/**
 * Decides how many cores the stack's workers get (the paper's section 3.3). The {@link CoreScheduler}
 * calls {@link #onPeriod} every period (5 µs by default) with fresh {@link Signals}; the policy answers
 * through {@link Cores}. Listing 3 of the paper, as a policy (without its averaging window; see
 * {@link QueueDepth} for the whole of it):
 *
 * <pre>{@code
 * CorePolicy listing3 = (s, cores) -> {
 *     for (int q = 0; q < s.queues(); q++) {
 *         if (s.depth(q) > THRESHOLD) cores.grant(q);   // queue q is served by worker q
 *     }
 * };
 * }</pre>
 *
 * <p>{@link #onPeriod} runs on the scheduler's thread between two samples and bounds the reaction time:
 * it must not block and should not allocate. Keep state in fields made in {@link #start} (windows,
 * counters), sized by {@link Signals#queues()} and {@link Signals#workers()}. If it throws, the scheduler
 * counts the fault and keeps the grants as they were.
 *
 * <p>Built in: {@link Dedicated}, {@link Spreading}, {@link Compacting} (Snap's three modes),
 * {@link QueueDepth} (Listing 3) and {@link StandingQueue} (Shenango's standing-queue rule).
 */
@FunctionalInterface
public interface CorePolicy {
    /**
     * Called once before the first period, by {@link CoreScheduler#start()} or the first
     * {@link CoreScheduler#step}; may allocate, and may throw to refuse a configuration. The scheduler
     * has revoked every worker just before: grant here the cores the stack starts with.
     */
    default void start(Signals s, Cores cores) {}

    /** Called every period. */
    void onPeriod(Signals s, Cores cores);

    default String name() { return getClass().getSimpleName(); }
}
