package io.flexnet.sched;

/**
 * Shenango's standing-queue rule (Caladan keeps it; Shenango calls such a queue congested): a queue
 * stands when an item in it has waited a whole period, i.e. was already there at the previous check.
 * Each period a queue stands grants one more core; a worker that found nothing to do for
 * {@code idlePeriods} periods gives its core back, as a Shenango kthread parks when it finds no work.
 * Never below {@code minCores}; with no core granted, any queued item grants one at once.
 *
 * <p>A standing queue is detected within two periods of its first item, which bounds the reaction to a
 * load step. Cores go to the lowest-numbered free worker, which must be able to serve the standing
 * queue: share queues among workers (MPMC) or let them steal ({@link WorkStealing}), as Shenango's
 * kthreads steal from each other.
 */
public final class StandingQueue implements CorePolicy {
    private final int minCores;
    private final int idlePeriods;
    private int[] idle;

    /**
     * @param minCores    cores kept even when idle (Shenango's guaranteed cores)
     * @param idlePeriods periods a worker must find nothing to do before its core is taken back
     */
    public StandingQueue(int minCores, int idlePeriods) {
        if (minCores < 0) throw new IllegalArgumentException("minCores must be >= 0");
        if (idlePeriods < 1) throw new IllegalArgumentException("idlePeriods must be >= 1");
        this.minCores = minCores;
        this.idlePeriods = idlePeriods;
    }

    /** One guaranteed core; an idle worker's core is taken back after one idle period. */
    public StandingQueue() { this(1, 1); }

    @Override
    public void start(Signals s, Cores cores) {
        idle = new int[s.workers()];
        for (int w = 0; w < minCores && w < s.workers(); w++) cores.grant(w);
    }

    @Override
    public void onPeriod(Signals s, Cores cores) {
        final int workers = s.workers();
        for (int w = 0; w < workers; w++) idle[w] = s.granted(w) && s.busy(w) == 0 ? idle[w] + 1 : 0;
        if (standing(s)) {
            if (s.grantsPending() > 0) return;  // the last grant has not woken yet: wait for it
            int w = s.firstUngranted();
            if (w >= 0) cores.grant(w);
            return;
        }
        for (int w = workers - 1; w >= 0 && s.coresGranted() > minCores; w--) {
            if (idle[w] >= idlePeriods && cores.revoke(w)) idle[w] = 0;
        }
    }

    private static boolean standing(Signals s) {
        if (s.coresGranted() == 0) return s.totalDepth() > 0;
        final long whole = s.periodNanos();
        for (int q = 0; q < s.queues(); q++) if (s.oldestAgeNanos(q) >= whole) return true;
        return false;
    }

    public int minCores() { return minCores; }
    public int idlePeriods() { return idlePeriods; }
}
