// A queueing discipline on a transmit queue: what waits, in what order, at what rate; tc-style counts.
package io.flexnet.interpose;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;

/**
 * The transmit side's scheduler, as Linux's {@code tc} qdiscs are: {@link #enqueue} takes every frame
 * the stack sends on one transmit queue, {@link #dequeue} hands the device the next one it may send
 * now. Time comes in as arguments (the stack's nanoseconds), never from a clock, so a test drives a
 * qdisc through hours of virtual time. Single-threaded: {@link QdiscNic} calls it under the queue's
 * lock.
 *
 * <p>Statistics follow {@code tc -s qdisc}: bytes and packets sent, drops, overlimits (a dequeue held
 * back by a rate), backlog. A dropped packet is counted under {@code qdisc} and its slot released.
 */
public abstract class Qdisc {
    protected final DropCounters drops;
    long sentBytes, sentPackets, dropped, overlimits;

    protected Qdisc(String name) { this.drops = new DropCounters(name); }

    /** The kind as {@code tc} names it: {@code pfifo}, {@code tbf}, {@code fq_codel}. */
    public abstract String kind();

    /** Takes {@code p} at {@code now}; false when it dropped a packet instead (this or another). */
    public abstract boolean enqueue(Packet p, long now);

    /** The next packet to send at {@code now}, or null: nothing queued, or nothing allowed yet. */
    public final Packet dequeue(long now) {
        Packet p = next(now);
        if (p != null) {
            sentPackets++;
            sentBytes += p.length;
        }
        return p;
    }

    protected abstract Packet next(long now);

    /** When a dequeue may succeed again if one just failed with packets waiting; {@code now} when it may now. */
    public long nextSendTime(long now) { return now; }

    public abstract int backlogPackets();

    public abstract long backlogBytes();

    /** Drops everything held (the qdisc is being replaced or closed); returns how many. */
    public int reset() {
        int n = 0;
        for (Packet p; (p = next(Long.MAX_VALUE / 4)) != null; n++) drop(p);
        return n;
    }

    protected final void drop(Packet p) {
        dropped++;
        drops.drop(p, DropReason.QDISC);
    }

    public long sentBytes() { return sentBytes; }
    public long sentPackets() { return sentPackets; }
    public long dropped() { return dropped; }
    public long overlimits() { return overlimits; }
    public DropCounters drops() { return drops; }

    /** Parameters as {@code tc qdisc show} prints them after the kind. */
    protected abstract String parameters();

    /** Three lines as {@code tc -s qdisc show} prints them. */
    public String stats() { return stats(""); }

    /** As {@link #stats()}, with {@code where} ("1: dev fx0 root ") after the kind, as tc prints it. */
    public String stats(String where) {
        return "qdisc " + kind() + " " + where + parameters() + "\n"
                + String.format(" Sent %d bytes %d pkt (dropped %d, overlimits %d requeues 0)%n", sentBytes, sentPackets,
                dropped, overlimits)
                + String.format(" backlog %db %dp", backlogBytes(), backlogPackets());
    }

    @Override
    public String toString() { return kind() + " " + parameters(); }
}
