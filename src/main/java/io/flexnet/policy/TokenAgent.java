package io.flexnet.policy;

import io.flexnet.runtime.StackRuntime;

/**
 * The user-space half of {@link TokenBased}: every period, gives each latency-sensitive user its
 * tokens for the period and hands the tokens they left unspent to the best-effort user (Syrup §5.2.2:
 * "after each epoch, any leftover tokens are gifted to the BE user"). The best-effort user's balance is
 * replaced, not added to, each epoch, so it never hoards more than one period's leftovers.
 *
 * <pre>{@code
 * // 350 000 requests/s for user 1 in 100 µs epochs = 35 tokens per epoch; user 2 is best effort.
 * TokenAgent agent = new TokenAgent(tenant.map(TokenBased.MAP), new int[] {1}, new long[] {35}, 2);
 * AutoCloseable running = agent.start(RealRuntime.INSTANCE, 100_000);
 * }</pre>
 */
public final class TokenAgent {
    private final PolicyMap tokens;
    private final int[] users;
    private final long[] perEpoch;
    private final int bestEffort;

    public TokenAgent(PolicyMap tokens, int[] users, long[] perEpoch, int bestEffortUser) {
        if (users.length != perEpoch.length) throw new IllegalArgumentException("one token count per user");
        for (long t : perEpoch) if (t < 0) throw new IllegalArgumentException("negative token count");
        for (int u : users) {
            if (u == bestEffortUser) throw new IllegalArgumentException("user " + u + " is also the best-effort user");
        }
        this.tokens = tokens;
        this.users = users.clone();
        this.perEpoch = perEpoch.clone();
        this.bestEffort = bestEffortUser;
    }

    /** One epoch: refills every user atomically and returns the leftovers given to the best-effort user. */
    public long epoch() {
        long leftover = 0;
        for (int i = 0; i < users.length; i++) {
            long old = tokens.getAndSet(users[i], perEpoch[i]);
            if (old > 0) leftover += old;
        }
        tokens.put(bestEffort, leftover);
        return leftover;
    }

    /**
     * Runs {@link #epoch} every {@code periodNanos} until closed: on a thread of its own on the real
     * runtime, as a timer event in virtual time on a simulated one ({@link StackRuntime#every}).
     */
    public AutoCloseable start(StackRuntime rt, long periodNanos) {
        return rt.every("token-agent", periodNanos, now -> epoch());
    }
}
