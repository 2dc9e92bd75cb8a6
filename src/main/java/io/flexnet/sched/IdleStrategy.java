package io.flexnet.sched;

/**
 * What a worker does after a round of work, given how much work it did (Agrona's idle strategies).
 * Busy spinning gives the lowest latency and burns the core; parking frees the core and costs a
 * wake-up; {@link SleepUntilKicked} sleeps until an enqueue wakes it, as interrupt-driven stacks do.
 */
public interface IdleStrategy {
    void idle(int workCount, Worker worker);

    /** Back to the eager end after work was found. */
    default void reset() {}

    /**
     * True if this strategy sleeps until an arrival kicks the worker: the worker then registers with
     * its executors' wake sources, and their arrivals pay for waking it. Polling strategies say false
     * and cost the queues nothing.
     */
    default boolean needsKicks() { return false; }

    static IdleStrategy busySpin() { return (work, w) -> { if (work == 0) w.runtime().spinWait(); }; }

    static IdleStrategy yielding() { return (work, w) -> { if (work == 0) w.runtime().yieldThread(); }; }
}
