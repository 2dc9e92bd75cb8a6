package io.flexnet.sched;

/**
 * Snap's compacting engines: the fewest cores that keep queueing delay under a target. It grows by one
 * core a period while the oldest queued coroutine is older than the target, and gives one back when the
 * granted workers' load would have fitted on one core fewer at {@code packUtilization} for
 * {@code shrinkAfterPeriods} periods in a row; never below {@code minCores}.
 *
 * <p>Cores go to the lowest-numbered workers and come back from the highest, so the load packs onto
 * the first cores. Any granted worker must be able to serve the loaded queues: share the queues among
 * the workers (MPMC) or let them steal ({@link WorkStealing}).
 */
public final class Compacting implements CorePolicy {
    private final long targetDelayNanos;
    private final double packUtilization;
    private final int shrinkAfterPeriods;
    private final int minCores;
    private int lowPeriods;

    /**
     * @param targetDelayNanos   the queueing delay to stay under (Snap's SLO on queueing delay)
     * @param packUtilization    busy fraction a core may be packed to, in (0, 1]
     * @param shrinkAfterPeriods how long the load must have fitted on fewer cores before one is returned
     * @param minCores           cores kept however idle (0 allowed: the first old entry grants one)
     */
    public Compacting(long targetDelayNanos, double packUtilization, int shrinkAfterPeriods, int minCores) {
        if (targetDelayNanos <= 0) throw new IllegalArgumentException("target delay must be > 0");
        if (!(packUtilization > 0 && packUtilization <= 1)) throw new IllegalArgumentException("packUtilization in (0, 1]");
        if (shrinkAfterPeriods < 1) throw new IllegalArgumentException("shrinkAfterPeriods must be >= 1");
        if (minCores < 0) throw new IllegalArgumentException("minCores must be >= 0");
        this.targetDelayNanos = targetDelayNanos;
        this.packUtilization = packUtilization;
        this.shrinkAfterPeriods = shrinkAfterPeriods;
        this.minCores = minCores;
    }

    /** One core at least, packed to 80%, returned after 200 periods (1 ms at 5 µs) of fitting. */
    public Compacting(long targetDelayNanos) { this(targetDelayNanos, 0.8, 200, 1); }

    @Override
    public void start(Signals s, Cores cores) {
        for (int w = 0; w < minCores && w < s.workers(); w++) cores.grant(w);
    }

    @Override
    public void onPeriod(Signals s, Cores cores) {
        if (s.maxOldestAgeNanos() > targetDelayNanos) {
            lowPeriods = 0;
            // A core granted earlier that has not woken yet will soon help: granting another now would
            // overshoot by one core per period of wake-up latency.
            if (s.grantsPending() > 0) return;
            int w = s.firstUngranted();
            if (w >= 0) cores.grant(w);
            return;
        }
        int g = s.coresGranted();
        if (g <= minCores) {
            lowPeriods = 0;
            return;
        }
        double load = 0;
        for (int w = 0; w < s.workers(); w++) if (s.granted(w)) load += s.busy(w);
        if (load > (g - 1) * packUtilization) {
            lowPeriods = 0;
        } else if (++lowPeriods >= shrinkAfterPeriods) {
            cores.revoke(s.lastGranted());
            lowPeriods = 0;
        }
    }

    public long targetDelayNanos() { return targetDelayNanos; }
    public int minCores() { return minCores; }
}
