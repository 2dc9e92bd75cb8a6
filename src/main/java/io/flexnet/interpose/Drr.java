// drr: deficit round robin over classes with quanta in proportion to their weights.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

/**
 * Shreedhar and Varghese's DRR (SIGCOMM 1995) as Linux's {@code sch_drr}: a class that becomes
 * backlogged joins the tail of the active list with one quantum of credit; the head class sends
 * while its head packet fits its deficit, else it earns another quantum and goes to the tail. Over
 * time each backlogged class gets bandwidth in proportion to its quantum, whatever its packet sizes.
 * Classes come from a {@link Classifier} (per tenant or per flow); out-of-range indices go to the last.
 */
public final class Drr extends Qdisc {
    private final PacketFifo[] classes;
    private final int[] quantum;
    private final long[] deficit;
    private final Classifier classifier;
    private final int limit;
    // The active list as a ring of class indices; each class is in it at most once.
    private final int[] active;
    private final boolean[] isActive;
    private int head, count;

    /** @param weights one per class; quantum = weight × {@code baseQuantum} bytes */
    public Drr(int[] weights, int baseQuantum, int limitPerClass, Classifier classifier) {
        super("drr");
        if (weights.length < 1) throw new IllegalArgumentException("drr needs at least one class");
        int n = weights.length;
        this.classes = new PacketFifo[n];
        this.quantum = new int[n];
        this.deficit = new long[n];
        this.active = new int[n];
        this.isActive = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (weights[i] < 1) throw new IllegalArgumentException("drr weight of class " + i + " must be >= 1");
            classes[i] = new PacketFifo(limitPerClass);
            quantum[i] = weights[i] * baseQuantum;
        }
        this.classifier = classifier;
        this.limit = limitPerClass;
    }

    @Override public String kind() { return "drr"; }

    @Override
    public boolean enqueue(Packet p, long now) {
        int c = classifier.classify(p);
        if (c < 0 || c >= classes.length) c = classes.length - 1;
        PacketFifo q = classes[c];
        if (q.size() >= limit) {
            drop(p);
            return false;
        }
        q.offer(p, now);
        if (!isActive[c]) {
            isActive[c] = true;
            deficit[c] = quantum[c];
            active[(head + count++) % active.length] = c;
        }
        return true;
    }

    @Override
    protected Packet next(long now) {
        while (count > 0) {
            int c = active[head];
            PacketFifo q = classes[c];
            Packet p = q.peek();
            if (p.length <= deficit[c]) {
                deficit[c] -= p.length;
                q.poll();
                if (q.isEmpty()) {
                    isActive[c] = false;
                    head = (head + 1) % active.length;
                    count--;
                }
                return p;
            }
            deficit[c] += quantum[c];
            // To the tail: with the ring full of active classes, moving the head one step does it.
            head = (head + 1) % active.length;
            active[(head + count - 1) % active.length] = c;
        }
        return null;
    }

    /** Packets sent from class {@code c}: not tracked per class; backlog per class for the control view. */
    public int backlog(int c) { return classes[c].size(); }

    @Override
    public int backlogPackets() {
        int n = 0;
        for (PacketFifo q : classes) n += q.size();
        return n;
    }

    @Override
    public long backlogBytes() {
        long n = 0;
        for (PacketFifo q : classes) n += q.bytes();
        return n;
    }

    @Override
    protected String parameters() {
        StringBuilder sb = new StringBuilder("quanta");
        for (int q : quantum) sb.append(' ').append(q);
        return sb.append(" limit ").append(limit).append('p').toString();
    }
}
