// fq_codel (RFC 8290): flows hashed to queues, served by DRR with new flows first, each queue under CoDel.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

/**
 * RFC 8290 with the RFC 8289 CoDel state per queue, as Linux's {@code sch_fq_codel} defaults it:
 * 1024 flow queues, quantum 1514 bytes, target 5 ms, interval 100 ms, a limit of 10240 packets over
 * all queues. A flow that becomes active joins the new-flows list and is served before the old ones
 * (a sparse flow — a DNS query, a TCP ACK — goes out almost at once); a flow that used its quantum
 * moves to the old list. CoDel drops at dequeue once a queue's packets have waited more than the
 * target for a whole interval, then at intervals shrinking as 1/√count. Above the limit, packets are
 * dropped from the head of the fattest queue (the one with the most bytes), as the RFC says.
 * Sojourn times come from the enqueue stamps; no clock is read here.
 */
public final class FqCodel extends Qdisc {
    public static final int DEFAULT_FLOWS = 1024, DEFAULT_QUANTUM = 1514, DEFAULT_LIMIT = 10240;
    public static final long DEFAULT_TARGET = 5_000_000L, DEFAULT_INTERVAL = 100_000_000L;
    private static final int MTU = 1514;

    private final int flows, quantum, limit;
    private final long target, interval;
    private final PacketFifo[] queues;
    private final long[] deficit;
    // CoDel state per queue (RFC 8289 section 5).
    private final long[] firstAboveTime, dropNext;
    private final int[] count, lastCount;
    private final boolean[] dropping;
    // Lists of queue indices: 0 idle, 1 new, 2 old; linked by next[].
    private final byte[] list;
    private final int[] next;
    private int newHead = -1, newTail = -1, oldHead = -1, oldTail = -1;
    private int backlog;
    private long backlogBytes;
    private long codelDrops, overlimitDrops;

    public FqCodel() { this(DEFAULT_FLOWS, DEFAULT_QUANTUM, DEFAULT_LIMIT, DEFAULT_TARGET, DEFAULT_INTERVAL); }

    public FqCodel(int flows, int quantum, int limit, long targetNanos, long intervalNanos) {
        super("fq_codel");
        if (flows < 1 || flows > 65536) throw new IllegalArgumentException("fq_codel flows must be in [1, 65536]");
        if (quantum < 256) throw new IllegalArgumentException("fq_codel quantum must be >= 256 bytes");
        if (limit < 1) throw new IllegalArgumentException("fq_codel limit must be >= 1");
        if (targetNanos <= 0 || intervalNanos <= targetNanos) {
            throw new IllegalArgumentException("fq_codel needs 0 < target < interval");
        }
        this.flows = flows;
        this.quantum = quantum;
        this.limit = limit;
        this.target = targetNanos;
        this.interval = intervalNanos;
        this.queues = new PacketFifo[flows];
        // Each queue can hold the whole limit (one flow may be all the traffic); rings are pointers.
        int perQueue = Math.min(limit, 1 << 14);
        for (int i = 0; i < flows; i++) queues[i] = new PacketFifo(Math.min(perQueue, 64));
        this.deficit = new long[flows];
        this.firstAboveTime = new long[flows];
        this.dropNext = new long[flows];
        this.count = new int[flows];
        this.lastCount = new int[flows];
        this.dropping = new boolean[flows];
        this.list = new byte[flows];
        this.next = new int[flows];
        this.perQueueCap = perQueue;
    }

    private final int perQueueCap;

    @Override public String kind() { return "fq_codel"; }

    @Override
    public boolean enqueue(Packet p, long now) {
        int f = Math.floorMod(FlowHash.of(p), flows);
        PacketFifo q = queues[f];
        if (q.size() == q.capacity()) {
            if (q.capacity() >= perQueueCap) {
                drop(p);
                overlimitDrops++;
                return false;
            }
            queues[f] = q = grow(q);  // rare: a flow longer than the rings made at start
        }
        q.offer(p, now);
        backlog++;
        backlogBytes += p.length;
        if (list[f] == 0) {
            list[f] = 1;
            deficit[f] = quantum;
            append(f, true);
        }
        if (backlog > limit) {
            dropFromFattest();
            return false;
        }
        return true;
    }

    private static PacketFifo grow(PacketFifo q) {
        PacketFifo bigger = new PacketFifo(q.capacity() * 2);
        while (!q.isEmpty()) {
            long stamp = q.headStamp();
            bigger.offer(q.poll(), stamp);
        }
        return bigger;
    }

    private void dropFromFattest() {
        int fat = 0;
        long most = -1;
        for (int i = 0; i < flows; i++) {
            if (queues[i].bytes() > most) {
                most = queues[i].bytes();
                fat = i;
            }
        }
        Packet p = queues[fat].poll();
        backlog--;
        backlogBytes -= p.length;
        overlimitDrops++;
        drop(p);
    }

    @Override
    protected Packet next(long now) {
        while (true) {
            boolean fromNew = newHead >= 0;
            int f = fromNew ? newHead : oldHead;
            if (f < 0) return null;
            if (deficit[f] <= 0) {
                deficit[f] += quantum;
                unlinkHead(fromNew);
                list[f] = 2;
                append(f, false);
                continue;
            }
            Packet p = codelDequeue(f, now);
            if (p == null) {
                unlinkHead(fromNew);
                if (fromNew && oldHead >= 0) {
                    // RFC 8290 4.2: an emptied new flow goes to the old list, so it cannot jump the queue again at once.
                    list[f] = 2;
                    append(f, false);
                } else {
                    list[f] = 0;
                }
                continue;
            }
            deficit[f] -= p.length;
            return p;
        }
    }

    private Packet pop(int f) {
        Packet p = queues[f].poll();
        if (p != null) {
            backlog--;
            backlogBytes -= p.length;
        }
        return p;
    }

    /** RFC 8289's dequeue for queue {@code f}. */
    private Packet codelDequeue(int f, long now) {
        PacketFifo q = queues[f];
        if (q.isEmpty()) {
            dropping[f] = false;
            return null;
        }
        long stamp = q.headStamp();
        Packet p = pop(f);
        boolean okToDrop = shouldDrop(f, now - stamp, now);
        if (dropping[f]) {
            if (!okToDrop) {
                dropping[f] = false;
            } else {
                while (now >= dropNext[f] && dropping[f]) {
                    codelDrop(p);
                    count[f]++;
                    if (q.isEmpty()) {
                        dropping[f] = false;
                        return null;
                    }
                    stamp = q.headStamp();
                    p = pop(f);
                    if (!shouldDrop(f, now - stamp, now)) dropping[f] = false;
                    else dropNext[f] = controlLaw(dropNext[f], count[f]);
                }
            }
        } else if (okToDrop) {
            codelDrop(p);
            if (q.isEmpty()) {
                p = null;
            } else {
                stamp = q.headStamp();
                p = pop(f);
                shouldDrop(f, now - stamp, now);
            }
            dropping[f] = true;
            int delta = count[f] - lastCount[f];
            count[f] = delta > 1 && now - dropNext[f] < 16 * interval ? delta : 1;
            dropNext[f] = controlLaw(now, count[f]);
            lastCount[f] = count[f];
        }
        return p;
    }

    private boolean shouldDrop(int f, long sojourn, long now) {
        if (sojourn < target || queues[f].bytes() <= MTU) {
            firstAboveTime[f] = 0;
            return false;
        }
        if (firstAboveTime[f] == 0) {
            firstAboveTime[f] = now + interval;
            return false;
        }
        return now >= firstAboveTime[f];
    }

    private long controlLaw(long t, int c) { return t + (long) (interval / Math.sqrt(c)); }

    private void codelDrop(Packet p) {
        codelDrops++;
        drop(p);
    }

    private void append(int f, boolean toNew) {
        next[f] = -1;
        if (toNew) {
            if (newTail >= 0) next[newTail] = f; else newHead = f;
            newTail = f;
        } else {
            if (oldTail >= 0) next[oldTail] = f; else oldHead = f;
            oldTail = f;
        }
    }

    private void unlinkHead(boolean fromNew) {
        if (fromNew) {
            int f = newHead;
            newHead = next[f];
            if (newHead < 0) newTail = -1;
        } else {
            int f = oldHead;
            oldHead = next[f];
            if (oldHead < 0) oldTail = -1;
        }
    }

    @Override
    public int reset() {
        int n = 0;
        for (int f = 0; f < flows; f++) {
            for (Packet p; (p = queues[f].poll()) != null; n++) drop(p);
            list[f] = 0;
            dropping[f] = false;
        }
        newHead = newTail = oldHead = oldTail = -1;
        backlog = 0;
        backlogBytes = 0;
        return n;
    }

    /** Packets CoDel dropped for standing delay; packets dropped for the limit. */
    public long codelDrops() { return codelDrops; }

    public long overlimitDrops() { return overlimitDrops; }

    @Override public int backlogPackets() { return backlog; }
    @Override public long backlogBytes() { return backlogBytes; }

    @Override
    protected String parameters() {
        return "limit " + limit + "p flows " + flows + " quantum " + quantum + " target " + target / 1000 + "us interval "
                + interval / 1000 + "us";
    }
}
