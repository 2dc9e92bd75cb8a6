package io.flexnet.policy;

import java.util.List;

/**
 * Syrup's SCAN-avoid (Figure 5b/5c): send each input to an executor that is not serving a long
 * request. The application marks an executor busy when it starts a long request and idle when it ends
 * ({@link #begin}, {@link #end}) in the {@value #MAP} map, keyed by executor index; the policy starts
 * at a rotating position and takes the first executor whose entry is 0. When every executor is busy it
 * keeps the starting one, which spreads the wait.
 *
 * <p>The scan is bounded by the number of choices (Syrup unrolls it for the eBPF verifier).
 */
public final class ScanAvoid implements MatchingPolicy {
    public static final String MAP = "busy";

    private final List<MapSpec> maps;
    private int next;

    /** For up to {@code maxExecutors} executors (the busy map's size). */
    public ScanAvoid(int maxExecutors) { this.maps = List.of(MapSpec.direct(MAP, maxExecutors)); }

    public ScanAvoid() { this(256); }

    @Override public List<MapSpec> maps() { return maps; }

    @Override
    public int schedule(PolicyInput in) {
        int n = in.choices();
        if (n <= 0) return PASS;
        PolicyMap busy = in.map(0);
        int start = next;
        if (start >= n || start < 0) start = 0;
        next = start + 1;
        int c = start;
        for (int k = 0; k < n; k++) {
            if (busy.get(c) == 0) return c;
            if (++c == n) c = 0;
        }
        return start;
    }

    /** The application starts a long request on {@code executor}. Nested begins count. */
    public static void begin(PolicyMap busy, int executor) { busy.add(executor, 1); }

    /** The application finished a long request on {@code executor}. */
    public static void end(PolicyMap busy, int executor) { busy.add(executor, -1); }
}
