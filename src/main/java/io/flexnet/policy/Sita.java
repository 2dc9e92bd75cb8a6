package io.flexnet.policy;

/**
 * Size Interval Task Assignment (Syrup's Figure 5d): the request type is read from the payload's
 * {@link RequestHeader}; long requests (SCAN by default) all go to one reserved executor, short ones
 * round-robin over the others, so a short request never waits behind a long one. An input too short
 * to hold a type is not a request of this protocol: it gets the hook's default (PASS).
 */
public final class Sita implements MatchingPolicy {
    private final int longType;
    private final int reserved;
    private int next;

    /** SCANs to executor 0. */
    public Sita() { this(RequestHeader.SCAN, 0); }

    public Sita(int longType, int reserved) {
        if (reserved < 0) throw new IllegalArgumentException("reserved executor must be >= 0");
        this.longType = longType;
        this.reserved = reserved;
    }

    @Override
    public int schedule(PolicyInput in) {
        int n = in.choices();
        int type = in.payloadU8(RequestHeader.TYPE);
        if (type < 0 || n <= 0) return PASS;
        int r = reserved < n ? reserved : n - 1;
        if (type == longType || n == 1) return r;
        int i = next;  // plain, as in RoundRobinPolicy: a race costs balance, not correctness
        if (i >= n - 1 || i < 0) i = 0;
        next = i + 1;
        return i >= r ? i + 1 : i;  // the i-th executor other than the reserved one
    }
}
