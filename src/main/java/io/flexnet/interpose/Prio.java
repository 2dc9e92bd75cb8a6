// prio: strict priority bands; band 0 always first. Each band a bounded FIFO.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

/** Bands chosen by a {@link Classifier} (by tenant or DSCP); a lower band is always sent first. */
public final class Prio extends Qdisc {
    private final PacketFifo[] bands;
    private final Classifier classifier;
    private final int limit;

    public Prio(int bands, int limitPerBand, Classifier classifier) {
        super("prio");
        if (bands < 2 || bands > 16) throw new IllegalArgumentException("prio has 2 to 16 bands, got " + bands);
        this.bands = new PacketFifo[bands];
        for (int i = 0; i < bands; i++) this.bands[i] = new PacketFifo(limitPerBand);
        this.classifier = classifier;
        this.limit = limitPerBand;
    }

    @Override public String kind() { return "prio"; }

    @Override
    public boolean enqueue(Packet p, long now) {
        int b = classifier.classify(p);
        if (b < 0 || b >= bands.length) b = bands.length - 1;
        if (bands[b].size() >= limit) {
            drop(p);
            return false;
        }
        bands[b].offer(p, now);
        return true;
    }

    @Override
    protected Packet next(long now) {
        for (PacketFifo b : bands) if (!b.isEmpty()) return b.poll();
        return null;
    }

    @Override
    public int backlogPackets() {
        int n = 0;
        for (PacketFifo b : bands) n += b.size();
        return n;
    }

    @Override
    public long backlogBytes() {
        long n = 0;
        for (PacketFifo b : bands) n += b.bytes();
        return n;
    }

    @Override protected String parameters() { return "bands " + bands.length + " limit " + limit + "p"; }
}
