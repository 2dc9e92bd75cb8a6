// pfifo: first in, first out, at most `limit` packets; a full queue drops the newcomer (tail drop).
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

public final class Pfifo extends Qdisc {
    private final PacketFifo q;
    private final int limit;

    public Pfifo(int limit) {
        super("pfifo");
        if (limit < 1) throw new IllegalArgumentException("pfifo limit must be >= 1, got " + limit);
        this.limit = limit;
        this.q = new PacketFifo(limit);
    }

    @Override public String kind() { return "pfifo"; }

    @Override
    public boolean enqueue(Packet p, long now) {
        if (q.size() >= limit) {
            drop(p);
            return false;
        }
        q.offer(p, now);
        return true;
    }

    @Override protected Packet next(long now) { return q.poll(); }
    @Override public int backlogPackets() { return q.size(); }
    @Override public long backlogBytes() { return q.bytes(); }
    @Override protected String parameters() { return "limit " + limit + "p"; }
}
