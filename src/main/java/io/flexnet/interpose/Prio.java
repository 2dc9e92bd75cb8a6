// prio: strict priority bands, each its own qdisc (pfifo unless told); band 0 always first.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

/**
 * Bands chosen by a {@link Classifier} (by tenant or DSCP); the first band with a packet it may send
 * now sends it. As in Linux, a band is a qdisc of its own, so a tenant's band can be a {@link Tbf}
 * that shapes it while the band before it is never held back:
 *
 * <pre>{@code
 * new Prio(Classifier.byTenant(owners, Map.of("db", 0, "game", 1), 2),
 *          new Pfifo(1000), new Tbf(1_250_000, 15_000, 300_000), new FqCodel());
 * }</pre>
 */
public final class Prio extends Qdisc {
    private final Qdisc[] bands;
    private final Classifier classifier;

    /** {@code bands} pfifo bands of {@code limitPerBand} packets each. */
    public Prio(int bands, int limitPerBand, Classifier classifier) {
        this(classifier, pfifos(bands, limitPerBand));
    }

    public Prio(Classifier classifier, Qdisc... bands) {
        super("prio");
        if (bands.length < 2 || bands.length > 16) throw new IllegalArgumentException("prio has 2 to 16 bands, got " + bands.length);
        this.bands = bands.clone();
        this.classifier = classifier;
    }

    private static Qdisc[] pfifos(int n, int limit) {
        if (n < 2 || n > 16) throw new IllegalArgumentException("prio has 2 to 16 bands, got " + n);
        Qdisc[] b = new Qdisc[n];
        for (int i = 0; i < n; i++) b[i] = new Pfifo(limit);
        return b;
    }

    @Override public String kind() { return "prio"; }

    @Override
    public boolean enqueue(Packet p, long now) {
        int b = classifier.classify(p);
        if (b < 0 || b >= bands.length) b = bands.length - 1;
        boolean taken = bands[b].enqueue(p, now);
        if (!taken) dropped++;  // the band counted and freed it
        return taken;
    }

    @Override
    protected Packet next(long now) {
        for (Qdisc b : bands) {
            if (b.backlogPackets() == 0) continue;
            Packet p = b.dequeue(now);
            if (p != null) return p;
            overlimits++;  // a shaped band held back: the next band may go
        }
        return null;
    }

    @Override
    public long nextSendTime(long now) {
        long t = Long.MAX_VALUE;
        for (Qdisc b : bands) if (b.backlogPackets() > 0) t = Math.min(t, b.nextSendTime(now));
        return t;
    }

    @Override
    public int reset() {
        int n = 0;
        for (Qdisc b : bands) n += b.reset();
        dropped += n;
        return n;
    }

    /** Band {@code i}'s own qdisc, with its own statistics. */
    public Qdisc band(int i) { return bands[i]; }

    @Override
    public int backlogPackets() {
        int n = 0;
        for (Qdisc b : bands) n += b.backlogPackets();
        return n;
    }

    @Override
    public long backlogBytes() {
        long n = 0;
        for (Qdisc b : bands) n += b.backlogBytes();
        return n;
    }

    @Override
    protected String parameters() {
        StringBuilder sb = new StringBuilder("bands " + bands.length + ":");
        for (Qdisc b : bands) sb.append(" [").append(b).append(']');
        return sb.toString();
    }
}
