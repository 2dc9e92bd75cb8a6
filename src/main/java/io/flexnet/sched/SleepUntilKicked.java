package io.flexnet.sched;

/**
 * Sleep when there is no work until an enqueue (or a NIC arrival) kicks the worker: the interrupt-driven
 * model. {@code backstopNanos} bounds a sleep should a kick ever be missed; it is a safety net, not the
 * mechanism.
 */
public final class SleepUntilKicked implements IdleStrategy {
    private final long backstopNanos;

    public SleepUntilKicked(long backstopNanos) { this.backstopNanos = backstopNanos; }

    public SleepUntilKicked() { this(10_000_000); }

    @Override
    public void idle(int workCount, WorkerRunner runner) {
        if (workCount == 0) runner.sleepUntilKicked(backstopNanos);
    }

    /** Workers with this strategy register with their wake sources so arrivals wake them. */
    @Override
    public boolean needsKicks() { return true; }
}
