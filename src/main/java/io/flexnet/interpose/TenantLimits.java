// Per-tenant caps on sockets, packet slots, buffered bytes and entries in shared coroutine queues.
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
 *
 * <p>Queues a design shares between tenants are the one place a tenant's packets wait beside another's
 * before any socket is involved. {@code entries} caps what one tenant may hold in each such queue, so
 * a flooding tenant fills its share and the rest stays free for the others (see {@link TenantEntries},
 * installed per queue with {@link OwnerTable#entryLimit()}). That cap is read per packet, without a
 * lock, from a copy-on-write array of at most {@value #MAX_CAPPED} capped tenants.
 */
public final class TenantLimits {
    /** A tenant's caps. */
    public record Limit(int sockets, long slots, long bytes, int entries) {
        public Limit {
            if (sockets < 0 || slots < 0 || bytes < 0 || entries < 0) throw new IllegalArgumentException("limits must be >= 0");
        }

        /** Sockets, slots and buffered bytes capped, queue entries not. */
        public Limit(int sockets, long slots, long bytes) { this(sockets, slots, bytes, Integer.MAX_VALUE); }

        /** Sockets and slots capped, buffered bytes and queue entries not. */
        public Limit(int sockets, long slots) { this(sockets, slots, Long.MAX_VALUE); }

        /** Only entries in each shared coroutine queue capped. */
        public static Limit entries(int entries) {
            return new Limit(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, entries);
        }

        boolean capsEntries() { return entries != Integer.MAX_VALUE; }
    }

    /** Tenants that may have an entries cap at once (the per-queue counters are this wide). */
    public static final int MAX_CAPPED = 64;

    private final Map<Integer, Limit> limits = new HashMap<>();
    private final Map<Integer, long[]> used = new HashMap<>();  // tenant id → {sockets, slots, bytes}
    private final Map<Integer, Long> refused = new HashMap<>();

    /**
     * Per-packet view of the entries caps, replaced whole on change: {@code slotOf[tenantId]} is the
     * tenant's counter index in every capped queue (-1: uncapped), {@code capOf[slot]} its cap.
     */
    record EntryCaps(int[] slotOf, int[] capOf) {}

    private volatile EntryCaps entryCaps = new EntryCaps(new int[0], new int[0]);

    /** Caps tenant {@code tenantId} (an {@link OwnerTable#id} of its name). */
    public synchronized void set(int tenantId, Limit limit) {
        if (tenantId < 1) throw new IllegalArgumentException("tenant id must be >= 1, got " + tenantId);
        EntryCaps c = entryCaps;
        int slot = tenantId < c.slotOf().length ? c.slotOf()[tenantId] : -1;
        if (limit.capsEntries()) {
            int[] slotOf = java.util.Arrays.copyOf(c.slotOf(), Math.max(c.slotOf().length, tenantId + 1));
            java.util.Arrays.fill(slotOf, c.slotOf().length, slotOf.length, -1);
            int[] capOf = c.capOf();
            if (slot < 0) {
                // A slot whose cap is -1 was freed; reusing it, the new tenant's count starts with what
                // the old one still had parked, refusing a little early until that drains.
                for (int s = 0; s < capOf.length && slot < 0; s++) if (capOf[s] < 0) slot = s;
                if (slot < 0) {
                    if (capOf.length == MAX_CAPPED) {
                        throw new IllegalStateException("at most " + MAX_CAPPED + " tenants may cap their queue entries");
                    }
                    slot = capOf.length;
                }
            }
            capOf = java.util.Arrays.copyOf(capOf, Math.max(capOf.length, slot + 1));
            slotOf[tenantId] = slot;
            capOf[slot] = limit.entries();
            entryCaps = new EntryCaps(slotOf, capOf);
        } else if (slot >= 0) {
            int[] slotOf = c.slotOf().clone();
            int[] capOf = c.capOf().clone();
            slotOf[tenantId] = -1;
            capOf[slot] = -1;
            entryCaps = new EntryCaps(slotOf, capOf);
        }
        limits.put(tenantId, limit);
    }

    /** The caps as the per-packet path reads them. */
    EntryCaps entryCaps() { return entryCaps; }

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
