package io.flexnet.sched;

/**
 * What a worker's thread does after a round, given how much work the round did (Agrona's idle
 * strategies). Busy spinning gives the lowest latency and burns the core; parking frees the core and
 * costs a wake-up; {@link SleepUntilKicked} sleeps until an arrival wakes it, as interrupt-driven
 * stacks do. Called by the {@link WorkerRunner} that loops {@link Worker#round(long)}; it spins, yields
 * and parks through the runner's runtime, never the JDK directly, so a simulated runtime can account
 * for the time. A strategy with state (like {@link BackoffPark}) serves one worker.
 *
 * <pre>{@code
 * IdleStrategy parkWhenIdle = (work, runner) -> {
 *     if (work == 0) runner.runtime().park(50_000);    // nothing found: give the core away for 50 µs
 * };
 * new Worker("w0", 0, runtime, parkWhenIdle, List.of(new RoundRobinExecutor(q))).start();
 * }</pre>
 */
public interface IdleStrategy {
    /** Called on the runner's thread after every round the worker was granted; {@code workCount} is what it did. */
    void idle(int workCount, WorkerRunner runner);

    /** Back to the eager end after work was found. */
    default void reset() {}

    /**
     * True if this strategy sleeps until an arrival kicks the worker: the worker then registers with
     * its executors' wake sources, and their arrivals pay for waking it. Polling strategies say false
     * and cost the queues nothing.
     */
    default boolean needsKicks() { return false; }

    static IdleStrategy busySpin() { return (work, r) -> { if (work == 0) r.runtime().spinWait(); }; }

    static IdleStrategy yielding() { return (work, r) -> { if (work == 0) r.runtime().yieldThread(); }; }
}
