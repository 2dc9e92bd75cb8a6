// A bounded ring of packets with their enqueue times and byte count: the storage of every qdisc class.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

/** Single-threaded (its qdisc's lock guards it); made at start and reused, so queueing allocates nothing. */
final class PacketFifo {
    private final Packet[] ring;
    private final long[] stamps;
    private final int mask;
    private long head, tail;
    private long bytes;

    PacketFifo(int capacity) {
        int c = Integer.highestOneBit(Math.max(2, capacity - 1) << 1);
        ring = new Packet[c];
        stamps = new long[c];
        mask = c - 1;
    }

    int size() { return (int) (tail - head); }

    boolean isEmpty() { return head == tail; }

    long bytes() { return bytes; }

    int capacity() { return ring.length; }

    boolean offer(Packet p, long now) {
        if (tail - head == ring.length) return false;
        int i = (int) (tail++ & mask);
        ring[i] = p;
        stamps[i] = now;
        bytes += p.length;
        return true;
    }

    Packet peek() { return head == tail ? null : ring[(int) (head & mask)]; }

    /** When the head packet was enqueued; only with a head. */
    long headStamp() { return stamps[(int) (head & mask)]; }

    Packet poll() {
        if (head == tail) return null;
        int i = (int) (head++ & mask);
        Packet p = ring[i];
        ring[i] = null;
        bytes -= p.length;
        return p;
    }
}
