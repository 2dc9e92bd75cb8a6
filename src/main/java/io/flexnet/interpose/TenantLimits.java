// Per-tenant caps on sockets, the packet slots their receive queues may hold and their buffered bytes.
package io.flexnet.interpose;

import java.util.HashMap;
import java.util.Map;

/**
 * Admission control for shared resources (KOPI: one application must not exhaust what others need).
 * A tenant may hold at most {@code sockets} sockets, its sockets' receive queues at most {@code slots}
 * packet slots in all, and its TCP connections at most {@code bytes} bytes of send and receive buffer
 * in all. Checked when a socket takes a port ({@link OwnerTable#admission()}, called by the socket
 * layer at bind, listen, connect and accept), so nothing is counted per packet: each queue and buffer
 * is bounded, so a tenant's share is bounded by what it was admitted with, and when the budgets of all
 * tenants fit in the pool (less the receive rings), no tenant flooding its own sockets can take a slot
 * another needs — its excess is dropped at its own full queues and counted there ({@code socket-full}).
 */
public final class TenantLimits {
    /** A tenant's caps. */
    public record Limit(int sockets, long slots, long bytes) {
        public Limit {
            if (sockets < 0 || slots < 0 || bytes < 0) throw new IllegalArgumentException("limits must be >= 0");
        }

        /** Sockets and slots capped, buffered bytes not. */
        public Limit(int sockets, long slots) { this(sockets, slots, Long.MAX_VALUE); }
    }

    private final Map<Integer, Limit> limits = new HashMap<>();
    private final Map<Integer, long[]> used = new HashMap<>();  // tenant id → {sockets, slots, bytes}
    private final Map<Integer, Long> refused = new HashMap<>();

    /** Caps tenant {@code tenantId} (an {@link OwnerTable#id} of its name). */
    public synchronized void set(int tenantId, Limit limit) { limits.put(tenantId, limit); }

    public synchronized Limit limit(int tenantId) { return limits.get(tenantId); }

    /** Sockets, slots and buffered bytes the tenant holds now. */
    public synchronized long[] used(int tenantId) { return used.getOrDefault(tenantId, new long[3]).clone(); }

    /** Sockets of the tenant refused at its limits so far. */
    public synchronized long refused(int tenantId) { return refused.getOrDefault(tenantId, 0L); }

    /** Takes one socket of {@code slots} and {@code bytes} for the tenant, or says why not (null: taken). */
    synchronized String take(int tenantId, String tenant, int slots, long bytes) {
        long[] u = used.computeIfAbsent(tenantId, k -> new long[3]);
        Limit l = limits.get(tenantId);
        String why = null;
        if (l != null) {
            if (u[0] + 1 > l.sockets()) why = "tenant " + tenant + " is at its limit of " + l.sockets() + " sockets";
            else if (u[1] + slots > l.slots()) {
                why = "tenant " + tenant + " would hold " + (u[1] + slots) + " packet slots, over its limit of " + l.slots();
            } else if (u[2] + bytes > l.bytes()) {
                why = "tenant " + tenant + " would buffer " + (u[2] + bytes) + " bytes, over its limit of " + l.bytes();
            }
        }
        if (why != null) {
            refused.merge(tenantId, 1L, Long::sum);
            return why;
        }
        u[0]++;
        u[1] += slots;
        u[2] += bytes;
        return null;
    }

    synchronized void give(int tenantId, int slots, long bytes) {
        long[] u = used.get(tenantId);
        if (u == null) return;
        u[0] = Math.max(0, u[0] - 1);
        u[1] = Math.max(0, u[1] - slots);
        u[2] = Math.max(0, u[2] - bytes);
    }
}
