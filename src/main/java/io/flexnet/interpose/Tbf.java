// tbf: a token bucket shaping everything to a rate, with a burst and a bounded backlog.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

/**
 * Tokens are bytes, earned at {@code rate} bytes a second up to {@code burst}; a packet leaves when
 * the bucket holds its length, and a dequeue held back counts as an overlimit. Tokens are kept in
 * byte-nanoseconds (bytes × 10^9) as a long, so the rate is exact over any run length: no
 * floating-point drift. A packet that would take the backlog past {@code limit} bytes is dropped.
 */
public final class Tbf extends Qdisc {
    private static final long NS = 1_000_000_000L;
    private final long rate, burst, limit;
    private final PacketFifo q;
    /** Tokens × 10^9, at most burst × 10^9. */
    private long tokens;
    private long last = Long.MIN_VALUE;

    /** {@code rateBytesPerSecond} bytes/s, {@code burstBytes} bucket size, {@code limitBytes} backlog. */
    public Tbf(long rateBytesPerSecond, long burstBytes, long limitBytes) {
        super("tbf");
        if (rateBytesPerSecond <= 0) throw new IllegalArgumentException("tbf rate must be > 0");
        if (burstBytes < 1514) throw new IllegalArgumentException("tbf burst must hold a full frame (1514 bytes), got " + burstBytes);
        if (limitBytes < burstBytes) throw new IllegalArgumentException("tbf limit must be >= burst");
        if (burstBytes > Long.MAX_VALUE / NS / 2) throw new IllegalArgumentException("tbf burst too large");
        this.rate = rateBytesPerSecond;
        this.burst = burstBytes;
        this.limit = limitBytes;
        this.q = new PacketFifo((int) Math.min(1 << 16, limitBytes / 60 + 1));
        this.tokens = burstBytes * NS;
    }

    @Override public String kind() { return "tbf"; }

    @Override
    public boolean enqueue(Packet p, long now) {
        if (q.bytes() + p.length > limit || !q.offer(p, now)) {
            drop(p);
            return false;
        }
        return true;
    }

    private void refill(long now) {
        if (last == Long.MIN_VALUE) last = now;
        long dt = now - last;
        if (dt <= 0) return;
        last = now;
        long cap = burst * NS;
        // dt * rate may overflow after long idle: the bucket is full then anyway.
        tokens = dt >= cap / rate ? cap : Math.min(cap, tokens + dt * rate);
    }

    @Override
    protected Packet next(long now) {
        Packet head = q.peek();
        if (head == null) return null;
        refill(now);
        long need = head.length * NS;
        if (tokens < need) {
            overlimits++;
            return null;
        }
        tokens -= need;
        return q.poll();
    }

    @Override
    public long nextSendTime(long now) {
        Packet head = q.peek();
        if (head == null) return Long.MAX_VALUE;
        refill(now);
        long lack = head.length * NS - tokens;
        return lack <= 0 ? now : now + (lack + rate - 1) / rate;
    }

    @Override
    public int reset() {
        int n = 0;
        for (Packet p; (p = q.poll()) != null; n++) drop(p);
        return n;
    }

    @Override public int backlogPackets() { return q.size(); }
    @Override public long backlogBytes() { return q.bytes(); }

    @Override
    protected String parameters() { return "rate " + Rates.format(rate * 8) + " burst " + burst + "b limit " + limit + "b"; }
}
