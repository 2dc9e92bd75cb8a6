package io.flexnet.sched;

/**
 * Snap's dedicated cores: a fixed number of workers, each pinned to a core of its own and busy polling,
 * never revoked. The lowest scheduling latency (nobody is ever woken) at the poorest efficiency (the
 * cores burn while idle). Workers {@code 0..n-1} get the first {@code n} of the stack's cores.
 *
 * <p>The workers must poll (busy spin or back-off): a worker that sleeps when idle would make this
 * spreading, so {@link #start} refuses it, as it refuses more cores than the stack has.
 */
public final class Dedicated implements CorePolicy {
    private final int count;

    /** Dedicates {@code cores} cores, one per worker. */
    public Dedicated(int cores) {
        if (cores < 1) throw new IllegalArgumentException("Dedicated needs at least one core");
        this.count = cores;
    }

    /** Dedicates every core the stack has, or one per worker if there are fewer workers. */
    public Dedicated() { this.count = -1; }

    @Override
    public void start(Signals s, Cores cores) {
        int n = count < 0 ? Math.min(s.coresAvailable(), s.workers()) : count;
        if (n > s.coresAvailable() || n > s.workers()) {
            throw new IllegalStateException("Dedicated(" + n + ") but the stack has " + s.coresAvailable()
                    + " cores and " + s.workers() + " workers");
        }
        for (int w = 0; w < n; w++) {
            if (s.sleepsWhenIdle(w)) {
                throw new IllegalStateException("dedicated cores busy-poll, but worker " + w
                        + " sleeps when idle: use Spreading for that");
            }
            cores.grant(w);
        }
    }

    /** Nothing to decide: that is the point of dedicating cores. */
    @Override
    public void onPeriod(Signals s, Cores cores) {}
}
