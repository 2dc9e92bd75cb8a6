package io.flexnet.policy;

import java.util.List;

/**
 * Syrup's token-based admission (§3.4, §5.2.2, after ReFlex): each user spends one token per request
 * from the {@value #MAP} map, keyed by the user id in the payload's {@link RequestHeader}; a user with
 * no tokens (or unknown to the map) is dropped. A {@link TokenAgent} refills the map every period and
 * gives what the latency-sensitive users left to a best-effort user.
 *
 * <p>Admitted inputs go on to {@code then} (PASS by default: the hook's own choice). A payload too
 * short to name a user is dropped: admission control that waved unparseable requests through could be
 * bypassed by sending them.
 *
 * <p>Spending is a compare-and-set that never takes the count below zero, retried a bounded number of
 * times (Syrup's check-then-{@code fetch_and_add} can overdraw under races; this cannot).
 */
public final class TokenBased implements MatchingPolicy {
    public static final String MAP = "tokens";
    private static final int RETRIES = 16;

    private final List<MapSpec> maps;
    private final MatchingPolicy then;

    public TokenBased() { this(null, 1024); }

    /** Admitted inputs are scheduled by {@code then} (null: PASS); the map holds {@code users} users. */
    public TokenBased(MatchingPolicy then, int users) {
        this.then = then;
        List<MapSpec> own = List.of(MapSpec.hashed(MAP, users * 2));
        if (then != null && !then.maps().isEmpty()) {
            throw new IllegalArgumentException("the admitted-input policy may not declare maps of its own");
        }
        this.maps = own;
    }

    @Override public List<MapSpec> maps() { return maps; }

    @Override
    public int schedule(PolicyInput in) {
        long user = in.payloadU32(RequestHeader.USER);
        if (user < 0) return DROP;
        PolicyMap tokens = in.map(0);
        int u = (int) user;
        for (int i = 0; i < RETRIES; i++) {
            long t = tokens.get(u);
            if (t <= 0) return DROP;
            if (tokens.compareAndSet(u, t, t - 1)) return then == null ? PASS : then.schedule(in);
        }
        return DROP;  // lost every race: treat as out of tokens rather than spend unboundedly
    }
}
