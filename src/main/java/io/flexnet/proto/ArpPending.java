package io.flexnet.proto;

import io.flexnet.packet.Packet;

/**
 * Frames parked until their next hop resolves: a bounded array (insertion order kept) of packet, next
 * hop and time parked. Small by design (tens of frames), so scanning it on an ARP reply is cheaper than
 * any index. When to ask again is the neighbour entry's business ({@link ArpCache}), not the queue's,
 * so a full queue never holds a retry back. Not thread-safe: {@link Arp} guards it.
 */
final class ArpPending {
    private final Packet[] packets;
    private final int[] hops;
    private final long[] parkedAt;
    private int size;

    ArpPending(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("pending capacity must be >= 1, got " + capacity);
        packets = new Packet[capacity];
        hops = new int[capacity];
        parkedAt = new long[capacity];
    }

    int size() { return size; }

    int capacity() { return packets.length; }

    boolean full() { return size == packets.length; }

    /** Caller checked {@link #full()}. */
    void add(Packet p, int hop, long now) {
        packets[size] = p;
        hops[size] = hop;
        parkedAt[size] = now;
        size++;
    }

    /** Moves every frame for {@code hop} into {@code out} (in parking order); returns how many. */
    int take(int hop, Packet[] out) {
        int n = 0;
        int keep = 0;
        for (int i = 0; i < size; i++) {
            if (hops[i] == hop) out[n++] = packets[i];
            else moveTo(i, keep++);
        }
        clearFrom(keep);
        return n;
    }

    /** Moves every frame parked at or before {@code deadline} into {@code out}; returns how many. */
    int takeParkedBefore(long deadline, Packet[] out) {
        int n = 0;
        int keep = 0;
        for (int i = 0; i < size; i++) {
            if (parkedAt[i] - deadline <= 0) out[n++] = packets[i];
            else moveTo(i, keep++);
        }
        clearFrom(keep);
        return n;
    }

    /** Moves every frame into {@code out}; returns how many. */
    int takeAll(Packet[] out) {
        int n = size;
        System.arraycopy(packets, 0, out, 0, n);
        clearFrom(0);
        return n;
    }

    /** Earliest time a frame was parked, or {@code fallback} when none is. */
    long oldest(long fallback) {
        return size == 0 ? fallback : parkedAt[0];  // insertion order: the first is the oldest
    }

    private void moveTo(int from, int to) {
        if (from == to) return;
        packets[to] = packets[from];
        hops[to] = hops[from];
        parkedAt[to] = parkedAt[from];
    }

    private void clearFrom(int keep) {
        for (int i = keep; i < size; i++) packets[i] = null;  // no stale references to recycled slots
        size = keep;
    }
}
