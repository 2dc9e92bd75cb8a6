package io.flexnet.packet;

/**
 * Drops by {@link DropReason} for one stage. The drop and the slot's release are one call so that no
 * caller can do one and forget the other.
 */
public final class DropCounters {
    private final Counters counters;

    public DropCounters(String stage) {
        String[] labels = new String[DropReason.count()];
        for (DropReason r : DropReason.values()) labels[r.ordinal()] = r.label();
        this.counters = new Counters(stage, labels);
    }

    /** Counts the drop and releases the packet. */
    public void drop(Packet p, DropReason reason) {
        counters.inc(reason.ordinal());
        p.release();
    }

    /** Counts a drop of something that never had a slot (e.g. a frame refused before allocation). */
    public void count(DropReason reason) { counters.inc(reason.ordinal()); }

    public long get(DropReason reason) { return counters.get(reason.ordinal()); }

    public long total() { return counters.total(); }

    public String stage() { return counters.name(); }

    /** Non-zero reasons as "label=count" pairs, for reports. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (DropReason r : DropReason.values()) {
            long n = get(r);
            if (n != 0) sb.append(sb.isEmpty() ? "" : " ").append(r.label()).append('=').append(n);
        }
        return sb.toString();
    }
}
