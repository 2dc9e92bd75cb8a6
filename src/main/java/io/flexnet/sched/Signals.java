package io.flexnet.sched;

/**
 * What a {@link CorePolicy} sees each period: per queue its depth, the age of its oldest entry and the
 * arrivals since the last period; per worker its busy fraction over the last period, whether it holds
 * a core and which. Queues and workers are numbered in the order given to the {@link CoreScheduler}.
 *
 * <p>Read-only for policies. The scheduler refills the same arrays every period (nothing is allocated)
 * and updates the grant fields at once when the policy grants or revokes, so a policy deciding in a
 * loop sees its own earlier decisions of the same period. Valid only during the call it is passed to.
 */
public final class Signals {
    final int[] depth;
    final long[] oldestAge;
    final long[] arrivals;
    final double[] busy;
    final boolean[] sleeping;
    final boolean[] sleepsWhenIdle;
    final int[] core;
    final int coresAvailable;
    final long periodNanos;
    long now;
    long period;
    long elapsed;
    int granted;
    long maxOldestAge;
    int totalDepth;
    long totalArrivals;

    Signals(int queues, int workers, int coresAvailable, long periodNanos) {
        depth = new int[queues];
        oldestAge = new long[queues];
        arrivals = new long[queues];
        busy = new double[workers];
        sleeping = new boolean[workers];
        sleepsWhenIdle = new boolean[workers];
        core = new int[workers];
        java.util.Arrays.fill(core, -1);
        this.coresAvailable = coresAvailable;
        this.periodNanos = periodNanos;
    }

    public int queues() { return depth.length; }
    public int workers() { return busy.length; }

    /** The time of this period's sample. */
    public long now() { return now; }

    /** How many periods ran before this one (also 0 during {@link CorePolicy#start}). */
    public long period() { return period; }

    /** The configured period. */
    public long periodNanos() { return periodNanos; }

    /** Time since the previous sample: the period, or more when the scheduler thread was late. */
    public long elapsedNanos() { return elapsed; }

    /** Coroutines waiting in queue {@code q}. */
    public int depth(int q) { return depth[q]; }

    /** How long the oldest coroutine in queue {@code q} has waited; 0 when it is empty. */
    public long oldestAgeNanos(int q) { return oldestAge[q]; }

    /** Coroutines put in queue {@code q} since the previous sample. */
    public long arrivals(int q) { return arrivals[q]; }

    /** The largest {@link #oldestAgeNanos} over all queues: the stack's queueing delay right now. */
    public long maxOldestAgeNanos() { return maxOldestAge; }

    public int totalDepth() { return totalDepth; }
    public long totalArrivals() { return totalArrivals; }

    /**
     * Share of the last period worker {@code w} spent in rounds that did work, in [0, 1]. A worker
     * asleep counts 0; one still inside a long round (it accounted no time) keeps its previous value.
     */
    public double busy(int w) { return busy[w]; }

    /** Whether worker {@code w} holds a core. */
    public boolean granted(int w) { return core[w] >= 0; }

    /** The core worker {@code w} holds, or -1. */
    public int core(int w) { return core[w]; }

    /**
     * Whether worker {@code w} is parked. A granted worker that polls and is still asleep has not yet
     * woken from its grant; one that sleeps when idle may simply have nothing to do.
     */
    public boolean sleeping(int w) { return sleeping[w]; }

    /** Whether worker {@code w} sleeps when idle (woken by arrivals) rather than polling. */
    public boolean sleepsWhenIdle(int w) { return sleepsWhenIdle[w]; }

    /** Cores the stack may use. */
    public int coresAvailable() { return coresAvailable; }

    /** Cores granted now (counting this period's decisions so far). */
    public int coresGranted() { return granted; }

    public int coresFree() { return coresAvailable - granted; }

    /**
     * Granted workers that poll but are still asleep: grants not yet taken up (the wake-up is on its
     * way). Policies that grow one core per period wait for these rather than grant again meanwhile.
     * Workers that sleep when idle are not counted: asleep, they may just have nothing to do.
     */
    public int grantsPending() {
        int n = 0;
        for (int w = 0; w < core.length; w++) if (core[w] >= 0 && sleeping[w] && !sleepsWhenIdle[w]) n++;
        return n;
    }

    /** The lowest-numbered worker without a core, or -1. */
    public int firstUngranted() {
        for (int w = 0; w < core.length; w++) if (core[w] < 0) return w;
        return -1;
    }

    /** The highest-numbered worker holding a core, or -1. */
    public int lastGranted() {
        for (int w = core.length - 1; w >= 0; w--) if (core[w] >= 0) return w;
        return -1;
    }
}
