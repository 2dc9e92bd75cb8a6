// Per-tenant caps on sockets and on the packet slots their receive queues may hold, checked at bind.
package io.flexnet.interpose;

import java.util.HashMap;
import java.util.Map;

/**
 * Admission control for shared resources (KOPI: one application must not exhaust what others need).
 * A tenant may hold at most {@code sockets} ports and its sockets' receive queues at most
 * {@code slots} packet slots in all. Checked when a port is bound ({@link OwnerTable#bind(int, int,
 * Owner, int)}), so nothing is counted per packet: a socket's queue is bounded, so a tenant's slots
 * are bounded by what it was admitted with, and when the budgets of all tenants fit in the pool (less
 * the receive rings), no tenant flooding its own sockets can take a slot another needs — its excess
 * is dropped at its own full queues and counted there ({@code socket-full}).
 */
public final class TenantLimits {
    /** A tenant's caps. */
    public record Limit(int sockets, long slots) {
        public Limit {
            if (sockets < 0 || slots < 0) throw new IllegalArgumentException("limits must be >= 0");
        }
    }

    private final Map<Integer, Limit> limits = new HashMap<>();
    private final Map<Integer, long[]> used = new HashMap<>();  // tenant id → {sockets, slots}

    /** Caps tenant {@code tenantId} (an {@link OwnerTable#id} of its name). */
    public synchronized void set(int tenantId, Limit limit) { limits.put(tenantId, limit); }

    public synchronized Limit limit(int tenantId) { return limits.get(tenantId); }

    /** Sockets and slots the tenant holds now. */
    public synchronized long[] used(int tenantId) { return used.getOrDefault(tenantId, new long[2]).clone(); }

    /** Takes one socket of {@code slots} for the tenant, or says why not (null: taken). */
    synchronized String take(int tenantId, String tenant, int slots) {
        long[] u = used.computeIfAbsent(tenantId, k -> new long[2]);
        Limit l = limits.get(tenantId);
        if (l != null) {
            if (u[0] + 1 > l.sockets()) return "tenant " + tenant + " is at its limit of " + l.sockets() + " sockets";
            if (u[1] + slots > l.slots()) {
                return "tenant " + tenant + " would hold " + (u[1] + slots) + " packet slots, over its limit of " + l.slots();
            }
        }
        u[0]++;
        u[1] += slots;
        return null;
    }

    synchronized void give(int tenantId, int slots) {
        long[] u = used.get(tenantId);
        if (u == null) return;
        u[0] = Math.max(0, u[0] - 1);
        u[1] = Math.max(0, u[1] - slots);
    }
}
