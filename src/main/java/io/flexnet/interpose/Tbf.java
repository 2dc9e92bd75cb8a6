// tbf: a token bucket shaping everything to a rate, with a burst and a bounded backlog.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

/**
 * Tokens are bytes, earned at {@code rate} bytes a second up to {@code burst}; a packet leaves when
 * the bucket holds its length, and a dequeue held back counts as an overlimit. Tokens are kept in
 * byte-nanoseconds (bytes × 10^9) as a long, so the rate is exact over any run length: no
 * floating-point drift. A packet that would take the backlog past {@code limit} bytes is dropped.
 *
 * <p>As in Linux, tbf may have a child qdisc that orders what it releases: {@code new Tbf(rate,
 * burst, limit, new Drr(...))} shapes the whole link and shares it by weight. The child's next
 * packet is taken out and held until the bucket covers it (Linux's {@code qdisc_peek_dequeued}).
 */
public final class Tbf extends Qdisc {
    private static final long NS = 1_000_000_000L;
    private final long rate, burst, limit;
    private final PacketFifo q;
    /** The child qdisc, or null for the built-in byte-limited FIFO; its next packet waits in {@code held}. */
    private final Qdisc inner;
    private Packet held;
    /** Tokens × 10^9, at most burst × 10^9. */
    private long tokens;
    private long last = Long.MIN_VALUE;

    /** {@code rateBytesPerSecond} bytes/s, {@code burstBytes} bucket size, {@code limitBytes} backlog. */
    public Tbf(long rateBytesPerSecond, long burstBytes, long limitBytes) {
        this(rateBytesPerSecond, burstBytes, limitBytes, null);
    }

    /** With {@code inner} ordering what leaves (its own limits apply); null for a plain byte FIFO. */
    public Tbf(long rateBytesPerSecond, long burstBytes, long limitBytes, Qdisc inner) {
        super("tbf");
        this.inner = inner;
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
        if (inner != null) {
            boolean taken = inner.enqueue(p, now);
            if (!taken) dropped++;  // the child counted and freed it
            return taken;
        }
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
        Packet head = peek(now);
        if (head == null) return null;
        refill(now);
        long need = head.length * NS;
        if (tokens < need) {
            overlimits++;
            return null;
        }
        tokens -= need;
        if (inner == null) return q.poll();
        held = null;
        return head;
    }

    private Packet peek(long now) {
        if (inner == null) return q.peek();
        if (held == null) held = inner.dequeue(now);
        return held;
    }

    @Override
    public long nextSendTime(long now) {
        Packet head = peek(now);
        if (head == null) return Long.MAX_VALUE;
        refill(now);
        long lack = head.length * NS - tokens;
        return lack <= 0 ? now : now + (lack + rate - 1) / rate;
    }

    @Override
    public int reset() {
        int n = 0;
        if (held != null) {
            drop(held);
            held = null;
            n++;
        }
        if (inner != null) return n + inner.reset();
        for (Packet p; (p = q.poll()) != null; n++) drop(p);
        return n;
    }

    /** The child qdisc, or null. */
    public Qdisc inner() { return inner; }

    @Override
    public int backlogPackets() {
        return (held == null ? 0 : 1) + (inner == null ? q.size() : inner.backlogPackets());
    }

    @Override
    public long backlogBytes() {
        return (held == null ? 0 : held.length) + (inner == null ? q.bytes() : inner.backlogBytes());
    }

    @Override
    protected String parameters() {
        return "rate " + Rates.format(rate * 8) + " burst " + burst + "b limit " + limit + "b"
                + (inner == null ? "" : " child [" + inner + "]");
    }
}
