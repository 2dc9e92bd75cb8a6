package io.flexnet.policy;

/**
 * Syrup's Figure 5a: each input to the next executor in turn. The counter is a plain field, as in
 * Syrup's non-atomic increment: threads racing on it may give two inputs the same executor, which
 * costs a little balance and saves an atomic per packet. The wrap is a compare, not a division, and
 * also repairs a counter left beyond a port group that shrank.
 */
public final class RoundRobinPolicy implements MatchingPolicy {
    private int next;

    @Override
    public int schedule(PolicyInput in) {
        int n = in.choices();
        if (n <= 0) return PASS;
        int i = next;
        if (i >= n || i < 0) i = 0;
        next = i + 1;
        return i;
    }
}
