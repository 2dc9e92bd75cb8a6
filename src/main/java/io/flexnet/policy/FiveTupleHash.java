package io.flexnet.policy;

/**
 * The "vanilla" choice, as Linux makes it among SO_REUSEPORT sockets: the flow's hash scaled onto the
 * choices, so every datagram of a flow goes to the same executor (locality) and flows spread by
 * chance (which is what imbalances when flows are few, Syrup's Figure 2).
 */
public final class FiveTupleHash implements MatchingPolicy {
    @Override
    public int schedule(PolicyInput in) {
        int n = in.choices();
        return n > 0 ? MatchingPolicy.scale(in.flowHash(), n) : PASS;
    }
}
