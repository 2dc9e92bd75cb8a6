package io.flexnet.sched;

/**
 * Spin, then yield, then park with exponentially growing timeouts while idle; back to spinning at
 * the first work (Agrona's {@code BackoffIdleStrategy}). One instance per worker: it holds the state.
 */
public final class BackoffPark implements IdleStrategy {
    private final int maxSpins;
    private final int maxYields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private int spins;
    private int yields;
    private long parkNanos;

    public BackoffPark(int maxSpins, int maxYields, long minParkNanos, long maxParkNanos) {
        if (minParkNanos <= 0 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("need 0 < minParkNanos <= maxParkNanos");
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        reset();
    }

    public BackoffPark() { this(100, 10, 1_000, 1_000_000); }

    @Override
    public void idle(int workCount, WorkerRunner runner) {
        if (workCount > 0) {
            reset();
        } else if (spins < maxSpins) {
            spins++;
            runner.runtime().spinWait();
        } else if (yields < maxYields) {
            yields++;
            runner.runtime().yieldThread();
        } else {
            runner.runtime().park(parkNanos);
            parkNanos = Math.min(parkNanos << 1, maxParkNanos);
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parkNanos = minParkNanos;
    }
}
