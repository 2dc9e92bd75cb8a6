package io.flexnet.policy;

import java.util.List;

/**
 * A Syrup-style scheduling policy: matches one input (a packet) to one of the executors at a hook
 * (a NIC receive queue, a coroutine queue at a {@code queue()} point, a socket in a port group).
 * The same class runs unchanged at any hook: it sees only a {@link PolicyInput} and the number of
 * choices, never the hook's machinery.
 *
 * <p>{@link #schedule} returns an index in {@code [0, in.choices())}, or {@link #PASS} (let the hook do
 * what it does without a policy: RSS, five-tuple hash, the pipeline's own selector) or {@link #DROP}
 * (the hook drops the packet, counted as {@code policy-drop}). Any other value, or an exception, is a
 * fault: the input falls back to {@code PASS}, the fault is counted against this tenant and policy,
 * and after a threshold the policy is removed (see {@link Tenants#faultThreshold}).
 *
 * <p>It runs on the per-packet path, possibly on several threads at once: no allocation, no
 * blocking, no unbounded loops. A policy is only ever called with inputs for ports its tenant owns.
 *
 * <pre>{@code
 * // Syrup's Figure 5a: round robin over the sockets of a port group.
 * final class RoundRobinPolicy implements MatchingPolicy {
 *     private int next;
 *     public int schedule(PolicyInput in) {
 *         int i = next;
 *         if (i >= in.choices()) i = 0;
 *         next = i + 1;
 *         return i;
 *     }
 * }
 * tenant.deploy(socketHook, new RoundRobinPolicy());
 * }</pre>
 *
 * Policies that talk to the application declare their maps in {@link #maps()}; the tenant creates them
 * at deployment (or reuses its maps of the same name) and the policy reads them with
 * {@link PolicyInput#map(int)} in declaration order, the application with {@link Tenant#map(String)}.
 */
@FunctionalInterface
public interface MatchingPolicy {
    /** Use the hook's default choice. */
    int PASS = -1;
    /** Drop the input. */
    int DROP = -2;

    int schedule(PolicyInput in);

    /** Maps this policy uses, in the order {@link PolicyInput#map(int)} indexes them. */
    default List<MapSpec> maps() { return List.of(); }

    /** Name used in counters and removal reports. */
    default String name() { return getClass().getSimpleName(); }

    /**
     * Scales a 32-bit hash onto {@code [0, n)} with a multiply and a shift instead of a division:
     * Linux's {@code reciprocal_scale}, which its SO_REUSEPORT socket choice uses. The high bits of
     * the hash decide, so it stays independent of an RSS table that used the low bits.
     */
    static int scale(int hash, int n) {
        return (int) (((hash & 0xFFFF_FFFFL) * n) >>> 32);
    }
}
