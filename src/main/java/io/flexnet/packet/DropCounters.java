package io.flexnet.packet;

/**
 * Drops by {@link DropReason} for one stage. The drop and the slot's release are one call so that no
 * caller can do one and forget the other. Each drop is also a {@link DropEvent} for a JFR recording
 * (rate-limited; nothing without one).
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
        DropEvent.emit(counters.name(), reason, p.length);
        p.release();
    }

    /** As {@link #drop(Packet, DropReason)}, on the caller's stripe (see {@link Counters#inc(int, int)}). */
    public void drop(Packet p, DropReason reason, int stripe) {
        counters.inc(stripe, reason.ordinal());
        DropEvent.emit(counters.name(), reason, p.length);
        p.release();
    }

    /** Counts a drop of something that never had a slot (e.g. a frame refused before allocation). */
    public void count(DropReason reason) {
        counters.inc(reason.ordinal());
        DropEvent.emit(counters.name(), reason, 0);
    }

    /** As {@link #count(DropReason)}, on the caller's stripe. */
    public void count(DropReason reason, int stripe) {
        counters.inc(stripe, reason.ordinal());
        DropEvent.emit(counters.name(), reason, 0);
    }

    public long get(DropReason reason) { return counters.get(reason.ordinal()); }

    public long total() { return counters.total(); }

    public String stage() { return counters.name(); }

    /**
     * Drops of all {@code stages} summed by reason label, in {@link DropReason} order, non-zero only: the
     * one way every report adds drops up. For reports, not per packet.
     */
    public static java.util.Map<String, Long> byReason(Iterable<DropCounters> stages) {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            long n = 0;
            for (DropCounters d : stages) n += d.get(r);
            if (n != 0) out.put(r.label(), n);
        }
        return out;
    }

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
