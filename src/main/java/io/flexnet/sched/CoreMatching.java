package io.flexnet.sched;

/**
 * Syrup's thread-scheduling hook: a matching policy that decides, every period, which worker runs on
 * which of the stack's cores. The policy answers per core with a worker index (or -1 to leave the core
 * idle); this applies the answers with {@link Cores#revoke} and {@link Cores#grant(int, int)}, moving a
 * worker whose core changed and parking one no core was matched to. It runs in the core scheduler, so
 * the same policy places the real runtime's threads and the simulated runtime's.
 *
 * <pre>{@code
 * // Keep the workers serving long requests (w >= 4) off the first four cores: Syrup's Figure 8 idea.
 * CoreMatching.Policy split = (core, s) -> core < 4 ? core : (s.depth(1) > 0 ? core : -1);
 * CoreScheduler.builder(runtime, new CoreMatching(split, 8)).workers(ws).cores(0, 1, 2, 3, 4, 5, 6, 7)...
 * }</pre>
 */
public final class CoreMatching implements CorePolicy {
    /** Which worker should run on {@code core} this period; -1 for none. Called once per core per period. */
    @FunctionalInterface
    public interface Policy {
        int workerFor(int core, Signals s);
    }

    private final Policy policy;
    private final int[] cores;
    private final int[] wanted;

    /** {@code cores}: the stack's cores, in the order the policy is asked about them. */
    public CoreMatching(Policy policy, int... cores) {
        if (cores.length == 0) throw new IllegalArgumentException("CoreMatching needs the stack's cores");
        this.policy = java.util.Objects.requireNonNull(policy);
        this.cores = cores.clone();
        this.wanted = new int[cores.length];
    }

    /** Cores 0 .. n-1. */
    public CoreMatching(Policy policy, int n) { this(policy, range(n)); }

    private static int[] range(int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) c[i] = i;
        return c;
    }

    @Override
    public void start(Signals s, Cores grants) { onPeriod(s, grants); }

    @Override
    public void onPeriod(Signals s, Cores grants) {
        final int workers = s.workers();
        for (int i = 0; i < cores.length; i++) {
            int w = policy.workerFor(cores[i], s);
            // A bad answer, or a worker already matched to an earlier core, leaves this core idle.
            if (w < -1 || w >= workers) w = -1;
            for (int j = 0; j < i && w >= 0; j++) if (wanted[j] == w) w = -1;
            wanted[i] = w;
        }
        // Take back what moves or goes, then hand out what was matched.
        for (int w = 0; w < workers; w++) {
            int held = s.core(w);
            if (held >= 0 && !matched(w, held)) grants.revoke(w);
        }
        for (int i = 0; i < cores.length; i++) {
            int w = wanted[i];
            if (w >= 0 && s.core(w) < 0) grants.grant(w, cores[i]);
        }
    }

    private boolean matched(int w, int core) {
        for (int i = 0; i < cores.length; i++) if (cores[i] == core) return wanted[i] == w;
        return false;
    }
}
