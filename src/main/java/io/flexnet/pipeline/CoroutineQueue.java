package io.flexnet.pipeline;

import io.flexnet.packet.Counters;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.atomic.AtomicReferenceArrayQueue;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.jctools.queues.atomic.SpmcAtomicArrayQueue;

/**
 * A bounded queue of suspended coroutines: the target of a {@code queue(selector)} suspension point and
 * the source executors drain. It knows its depth, what it took and refused, the age of its oldest entry
 * (readable without dequeuing) and a histogram of sojourn times.
 *
 * <p>The backing queue matches the declared concurrency (one or many producers, one or many consumers)
 * so 1:N and N:1 executor mappings are both safe and none pays for more than it uses. With one
 * consumer (SPSC, MPSC) it is our own {@link CoroutineRing}, built for the suspension point's cost;
 * with several consumers (SPMC, MPMC) JCTools' atomic variants, which need no
 * {@code sun.misc.Unsafe} and so no JDK flags. The JCTools queues' field updaters and
 * {@code AtomicReferenceArray} add a type check to every access, a quarter of a same-core
 * suspension point's cost, which is why the single-consumer case, the common one, has its own ring.
 *
 * <p>Waking: workers that sleep when idle register with the queues they serve. Only then does an
 * enqueue pay a full fence and a read of each sleeper's flag (see {@link #offer}); queues served by
 * polling workers pay nothing for the feature.
 */
public final class CoroutineQueue extends CoroutineRing implements WakeSource {
    /** Who puts and who takes: decides the backing queue's algorithm. */
    public enum Concurrency {
        SPSC, MPSC, SPMC, MPMC;

        /** One consumer: the queue is its own ring; several: a JCTools queue. */
        boolean oneConsumer() { return this == SPSC || this == MPSC; }
    }

    /** Something that sleeps while this queue is empty and must be kicked by an enqueue. */
    public interface Sleeper {
        /** True while asleep or about to sleep; read after the enqueue is visible. */
        boolean sleeping();

        void kick();
    }

    /** {@link #enqueue}: parked. */
    public static final int PARKED = 0;
    /** {@link #enqueue}: refused, the queue is full. */
    public static final int FULL = 1;
    /** {@link #enqueue}: refused, the coroutine's class holds its whole share ({@link EntryLimit}). */
    public static final int OVER_LIMIT = 2;

    private static final AtomicInteger IDS = new AtomicInteger();
    private static final int C_FULL = 0, C_OVER_LIMIT = 1;

    private final String name;
    private final int id;
    private final int capacity;
    /** One consumer: the ring this queue extends holds the coroutines; its indices are the counts. */
    private final boolean ringed;
    /** Several consumers: the JCTools queue, else null. Its indices are the enqueued and dequeued counts. */
    private final AtomicReferenceArrayQueue<Coroutine> queue;
    private final Counters counters;
    private final SojournHistogram sojourn;
    /** The sojourn histogram's cells when one consumer records (the ring's case): recorded inline. */
    private final long[] sojournCells;
    /** Copy-on-write; empty in the common polling case, so the offer fast path skips waking. */
    private volatile Sleeper[] sleepers = new Sleeper[0];
    /** Whether {@link #sleepers} has any: one load on the offer fast path instead of two. */
    private volatile boolean hasSleepers;
    /** Caps per class of entry, or null (the common case: one null check per offer and take). */
    private EntryLimit limit;

    public CoroutineQueue(String name, int capacity, Concurrency concurrency) {
        super(checkedCapacity(name, capacity), concurrency == Concurrency.MPSC, concurrency.oneConsumer());
        this.name = name;
        this.id = IDS.getAndIncrement();
        this.capacity = checkedCapacity(name, capacity);
        this.ringed = concurrency.oneConsumer();
        this.queue = switch (concurrency) {
            case SPSC, MPSC -> null;
            case SPMC -> new SpmcAtomicArrayQueue<>(capacity);
            case MPMC -> new MpmcAtomicArrayQueue<>(capacity);
        };
        this.counters = new Counters("queue." + name, "full", "over-limit");
        this.sojourn = new SojournHistogram("queue." + name, ringed);
        this.sojournCells = sojourn.singleWriterCells();
    }

    /** Rounded up to a power of two, as the ring and JCTools both need. */
    private static int checkedCapacity(String name, int capacity) {
        if (capacity < 2) throw new IllegalArgumentException("queue '" + name + "': capacity must be >= 2");
        if (capacity > 1 << 30) throw new IllegalArgumentException("queue '" + name + "': capacity must be <= 2^30");
        return Integer.highestOneBit(capacity - 1) << 1;
    }

    /** A queue safe for any number of producers and consumers. */
    public CoroutineQueue(String name, int capacity) { this(name, capacity, Concurrency.MPMC); }

    /**
     * Parks {@code co}. The caller set its program counter and suspension time before calling: once
     * this returns true another thread may already be resuming it. False when full: the caller still
     * owns the coroutine and must drop it.
     */
    public boolean offer(Coroutine co) { return enqueue(co) == PARKED; }

    /**
     * As {@link #offer}, saying why a refused coroutine was refused: {@link #PARKED}, {@link #FULL} or
     * {@link #OVER_LIMIT} (its class holds its share of the queue, see {@link #limitEntries}).
     */
    public int enqueue(Coroutine co) {
        final EntryLimit l = limit;
        if (l != null) {
            int token = l.admit(co.packet());
            if (token == EntryLimit.REFUSED) {
                counters.inc(C_OVER_LIMIT);
                return OVER_LIMIT;
            }
            co.entryToken = token;  // before the offer: once offered, a consumer may release it
        }
        if (!(ringed ? ringOffer(co) : queue.offer(co))) {
            if (l != null) giveBack(l, co);
            counters.inc(C_FULL);
            return FULL;
        }
        if (hasSleepers) wakeSlow(sleepers);
        return PARKED;
    }

    private static void giveBack(EntryLimit l, Coroutine co) {
        int token = co.entryToken;
        if (token >= 0) {
            co.entryToken = EntryLimit.UNCAPPED;
            l.release(token);
        }
    }

    /**
     * Caps the entries each class of coroutine may hold here, as {@code limit} classifies them: a
     * shared queue in which one tenant's flood takes its share and no more. Set once, before the queue
     * takes its first coroutine (the limit counts every entry from the start).
     */
    public synchronized void limitEntries(EntryLimit limit) {
        if (limit == null) throw new IllegalArgumentException("queue '" + name + "': entry limit must not be null");
        if (this.limit != null) throw new IllegalStateException("queue '" + name + "' has an entry limit already");
        if (enqueued() != 0) throw new IllegalStateException("queue '" + name + "': set the entry limit before traffic");
        this.limit = limit;
    }

    /** The queue's entry limit, or null. */
    public EntryLimit entryLimit() { return limit; }

    private static void wakeSlow(Sleeper[] s) {
        // The enqueue above is a release store; the sleeper writes its flag and then re-checks the
        // queue. Without a full fence here both sides could read stale values and the wake-up be lost.
        VarHandle.fullFence();
        for (Sleeper w : s) {
            if (w.sleeping()) w.kick();
        }
    }

    /** Takes the oldest coroutine, recording its sojourn against {@code now}; null when empty. */
    public Coroutine poll(long now) {
        final long[] cells = sojournCells;
        if (cells != null) {
            Coroutine co = ringPoll();
            if (co == null) return null;
            SojournHistogram.record(cells, now - co.suspendedNanos);
            final EntryLimit l = limit;
            if (l != null) giveBack(l, co);
            return co;
        }
        Coroutine co = queue.poll();
        if (co != null) {
            sojourn.record(now - co.suspendedNanos);
            final EntryLimit l = limit;
            if (l != null) giveBack(l, co);
        }
        return co;
    }

    /** Takes up to {@code max} coroutines into {@code out[from..]}; returns how many. */
    public int drain(Coroutine[] out, int from, int max, long now) {
        final boolean r = ringed;
        final EntryLimit l = limit;
        int n = 0;
        while (n < max) {
            Coroutine co = r ? ringPoll() : queue.poll();
            if (co == null) break;
            sojourn.record(now - co.suspendedNanos);
            if (l != null) giveBack(l, co);
            out[from + n++] = co;
        }
        return n;
    }

    /**
     * Age of the oldest entry at {@code now}, 0 when empty. Read without dequeuing: the head may be
     * taken and even reused concurrently, so this is a signal for policies, not an exact measure.
     */
    public long oldestAgeNanos(long now) {
        Coroutine head = ringed ? ringPeek() : queue.peek();
        if (head == null) return 0;
        long age = now - head.suspendedNanos;
        return age < 0 ? 0 : age;
    }

    @Override
    public void addSleeper(Sleeper s) {
        synchronized (this) {
            Sleeper[] old = sleepers;
            for (Sleeper x : old) if (x == s) return;
            Sleeper[] n = java.util.Arrays.copyOf(old, old.length + 1);
            n[old.length] = s;
            sleepers = n;
            hasSleepers = true;
        }
    }

    @Override
    public void removeSleeper(Sleeper s) {
        synchronized (this) {
            sleepers = java.util.Arrays.stream(sleepers).filter(x -> x != s).toArray(Sleeper[]::new);
            hasSleepers = sleepers.length != 0;
        }
    }

    public String name() { return name; }
    public int id() { return id; }
    public int capacity() { return capacity; }
    public int depth() { return ringed ? ringSize() : queue.size(); }
    public boolean isEmpty() { return depth() == 0; }
    /** Coroutines ever parked here: the backing queue's producer index. */
    public long enqueued() { return ringed ? ringProducerIndex() : queue.currentProducerIndex(); }
    /** Coroutines ever taken: the backing queue's consumer index. */
    public long dequeued() { return ringed ? ringConsumerIndex() : queue.currentConsumerIndex(); }
    /** Offers refused because the queue was full. */
    public long full() { return counters.get(C_FULL); }
    /** Offers refused because the coroutine's class held its share ({@link #limitEntries}). */
    public long overLimit() { return counters.get(C_OVER_LIMIT); }
    public SojournHistogram sojourn() { return sojourn; }

    @Override
    public String toString() {
        return "queue " + name + " depth=" + depth() + " enq=" + enqueued() + " deq=" + dequeued()
                + " full=" + full() + (limit == null ? "" : " over-limit=" + overLimit());
    }
}
