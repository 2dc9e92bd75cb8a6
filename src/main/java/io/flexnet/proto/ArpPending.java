package io.flexnet.proto;

import io.flexnet.packet.Packet;

/**
 * Frames parked until their next hop resolves: a bounded array (insertion order kept) of packet,
 * next hop, time parked and time the last ARP request for that hop went out. Small by design (tens
 * of frames), so scanning it on an ARP reply is cheaper than any index. Not thread-safe: {@link Arp}
 * guards it.
 */
final class ArpPending {
    private final Packet[] packets;
    private final int[] hops;
    private final long[] parkedAt;
    private final long[] requestedAt;
    private int size;

    ArpPending(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("pending capacity must be >= 1, got " + capacity);
        packets = new Packet[capacity];
        hops = new int[capacity];
        parkedAt = new long[capacity];
        requestedAt = new long[capacity];
    }

    int size() { return size; }

    int capacity() { return packets.length; }

    boolean full() { return size == packets.length; }

    /** When the last request for {@code hop} went out, or {@code fallback} when none is pending. */
    long lastRequest(int hop, long fallback) {
        long last = fallback;
        boolean found = false;
        for (int i = 0; i < size; i++) {
            if (hops[i] == hop && (!found || requestedAt[i] - last > 0)) {
                last = requestedAt[i];
                found = true;
            }
        }
        return last;
    }

    /** Caller checked {@link #full()}. */
    void add(Packet p, int hop, long now, long requested) {
        packets[size] = p;
        hops[size] = hop;
        parkedAt[size] = now;
        requestedAt[size] = requested;
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

    /** Earliest time a frame was parked, or {@code fallback} when none is. */
    long oldest(long fallback) {
        return size == 0 ? fallback : parkedAt[0];  // insertion order: the first is the oldest
    }

    private void moveTo(int from, int to) {
        if (from == to) return;
        packets[to] = packets[from];
        hops[to] = hops[from];
        parkedAt[to] = parkedAt[from];
        requestedAt[to] = requestedAt[from];
    }

    private void clearFrom(int keep) {
        for (int i = keep; i < size; i++) packets[i] = null;  // no stale references to recycled slots
        size = keep;
    }
}
