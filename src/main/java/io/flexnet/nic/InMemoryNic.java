package io.flexnet.nic;

import io.flexnet.runtime.RealRuntime;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * A multi-queue NIC in memory, the default driver for tests and experiments. The generator side
 * {@link #inject injects} frames as if they came off the wire: each is copied into a pool slot, stamped
 * with the arrival clock, hashed ({@link Rss}), steered to a receive queue ({@link RxSteering}) and
 * queued for the stack to {@link #receive}. Frames the stack {@link #transmit transmits} wait in transmit
 * queues for the collector to {@link #drainTx drain}, or go straight to a {@link TxHandler}.
 *
 * <p>Every frame refused on the way in or out is counted under a {@link DropReason} and its slot is
 * released; {@link #drops()} has them. Per-queue packet and byte counters count what was accepted.
 * The {@link NicDriver.RxListener} runs on the injecting thread, right after the frame is queued.
 *
 * <pre>{@code
 * InMemoryNic nic = InMemoryNic.builder(pool).queues(4).clock(runtime::nanoTime).build();
 * nic.inject(frame);                        // generator thread
 * int n = nic.receive(q, batch, 32);       // stack worker polling queue q
 * nic.drainTx(0, (queue, p) -> check(p), 64);  // collector
 * }</pre>
 */
public final class InMemoryNic implements NicDriver {
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    /** Shorter than an Ethernet header: a runt a real MAC discards before it reaches a queue. */
    private static final int MIN_FRAME = 14;

    private final String name;
    private final PacketPool pool;
    private final Rss rss;
    private final RxSteering steering;
    private final LongSupplier clock;
    private final TxHandler txHandler;
    /** What the device says of every frame it delivers ({@link Packet#csumVerdict}); none by default. */
    private final int csumVerdict;
    private final boolean fillsChecksums;
    private final boolean segmentsTcp;
    private final RxRing[] rx;
    /**
     * Transmit queues: MPSC. Any stack worker may transmit on any queue (many producers); one collector
     * drains a queue at a time, as one DMA engine serves one NIC queue (single consumer).
     */
    private final MpscAtomicArrayQueue<Packet>[] tx;
    private final DropCounters drops;
    /** rx q: [2q] packets, [2q+1] bytes; tx q: [2R + 2q] packets, [2R + 2q + 1] bytes. */
    private final Counters counters;
    private final int txBase;
    private volatile RxListener listener;
    private volatile boolean closed;

    /** A NIC with {@code queues} receive and transmit queues, RSS steering and the real runtime's clock. */
    public InMemoryNic(PacketPool pool, int queues) {
        this(builder(pool).queues(queues));
    }

    @SuppressWarnings("unchecked")
    private InMemoryNic(Builder b) {
        this.name = b.name;
        this.pool = b.pool;
        this.rss = b.rss != null ? b.rss : new Rss(b.rxQueues);
        if (rss.queues() > b.rxQueues) {
            throw new IllegalArgumentException("RSS spreads over " + rss.queues() + " queues, NIC has " + b.rxQueues);
        }
        this.steering = b.steering != null ? b.steering : rss;
        this.clock = b.clock;
        this.txHandler = b.txHandler;
        this.csumVerdict = b.csumVerdict;
        this.fillsChecksums = b.fillsChecksums;
        if (b.segmentsTcp && !(b.fillsChecksums && b.pool.jumboSlots() > 0)) {
            throw new IllegalArgumentException("segmentsTcp needs fillsChecksums and a pool with jumbo slots");
        }
        this.segmentsTcp = b.segmentsTcp;
        this.rx = new RxRing[b.rxQueues];
        for (int i = 0; i < rx.length; i++) rx[i] = new RxRing(b.rxCapacity, b.sharedRxPolling);
        this.tx = (MpscAtomicArrayQueue<Packet>[]) new MpscAtomicArrayQueue<?>[b.txQueues];
        for (int i = 0; i < tx.length; i++) tx[i] = new MpscAtomicArrayQueue<>(b.txCapacity);
        this.drops = new DropCounters(name);
        String[] labels = new String[2 * (rx.length + tx.length)];
        for (int q = 0; q < rx.length; q++) {
            labels[2 * q] = "rx" + q + "-packets";
            labels[2 * q + 1] = "rx" + q + "-bytes";
        }
        this.txBase = 2 * rx.length;
        for (int q = 0; q < tx.length; q++) {
            labels[txBase + 2 * q] = "tx" + q + "-packets";
            labels[txBase + 2 * q + 1] = "tx" + q + "-bytes";
        }
        this.counters = new Counters(name, labels);
    }

    public static Builder builder(PacketPool pool) {
        return new Builder(pool);
    }

    // ---- generator side ----

    /** Injects a whole frame as if received from the wire; false if it was dropped (and counted). */
    public boolean inject(byte[] frame) {
        return inject(frame, 0, frame.length);
    }

    public boolean inject(byte[] frame, int off, int len) {
        Objects.checkFromIndexSize(off, len, frame.length);
        Packet p = allocateFor(len);
        if (p == null) return false;
        MemorySegment.copy(frame, off, p.segment(), ValueLayout.JAVA_BYTE, p.offset, len);
        p.length = len;
        return deliver(p);
    }

    public boolean inject(MemorySegment src, long off, int len) {
        Objects.checkFromIndexSize(off, len, src.byteSize());
        Packet p = allocateFor(len);
        if (p == null) return false;
        MemorySegment.copy(src, off, p.segment(), p.offset, len);
        p.length = len;
        return deliver(p);
    }

    /**
     * Injects a frame already written into a slot of this NIC's pool (zero copy, for generators that
     * build requests in place). Takes ownership whatever the outcome.
     */
    public boolean inject(Packet p) {
        if (p.pool() != pool) throw new IllegalArgumentException(p + " is not from " + name + "'s pool");
        if (p.length < MIN_FRAME) {
            drops.drop(p, DropReason.TRUNCATED);
            return false;
        }
        return deliver(p);
    }

    private Packet allocateFor(int len) {
        if (len < MIN_FRAME) {
            drops.count(DropReason.TRUNCATED);
            return null;
        }
        if (len > pool.maxFrame()) {
            drops.count(DropReason.FRAME_TOO_LONG);
            return null;
        }
        Packet p = pool.allocate();
        if (p == null) drops.count(DropReason.POOL_EMPTY);
        return p;
    }

    private boolean deliver(Packet p) {
        if (closed) {
            drops.drop(p, DropReason.SHUTDOWN);
            return false;
        }
        final RxRing[] rings = rx;
        final int len = p.length;
        p.arrivalNanos = clock.getAsLong();
        p.csumVerdict = csumVerdict;
        p.flowHash = rss.hashFrame(p.segment(), p.offset, len);
        int q;
        try {
            q = steering.queueFor(p, rings.length);
        } catch (Throwable e) {  // extension code: contained as the pipeline contains it
            drops.drop(p, DropReason.EXTENSION_FAULT);
            return false;
        }
        if (q < 0 || q >= rings.length) {
            drops.drop(p, q == RxSteering.DROP ? DropReason.POLICY_DROP : DropReason.SELECTOR_RANGE);
            return false;
        }
        p.rxQueue = q;
        RxRing ring = rings[q];
        if (!ring.queue.offer(p)) {
            drops.drop(p, DropReason.RX_FULL);
            return false;
        }
        // The poller may own (even have released) p by now: count from locals only.
        counters.inc(2 * q);
        counters.add(2 * q + 1, len);
        if (ring.claimWakeUp()) {
            RxListener l = listener;
            if (l != null) l.rxReady(q);
        }
        return true;
    }

    // ---- stack side ----

    @Override
    public int receive(int queue, Packet[] out, int max) {
        final RxRing ring = rx[queue];
        final int limit = Math.min(max, out.length);
        int n = 0;
        while (n < limit) {
            Packet p = ring.queue.relaxedPoll();
            if (p == null) {
                // Seen empty: re-arm the wake-up, then look once more (see RxRing for why both).
                if (ring.armAndCheckEmpty()) break;
                continue;
            }
            out[n++] = p;
        }
        return n;
    }

    @Override
    public boolean transmit(int queue, Packet p) {
        if (queue < 0 || queue >= tx.length) {
            drops.drop(p, DropReason.SELECTOR_RANGE);
            return false;
        }
        if (closed) {
            drops.drop(p, DropReason.SHUTDOWN);
            return false;
        }
        if (p.gsoSize > 0 && segmentsTcp) return transmitSegments(queue, p);
        return transmitWhole(queue, p);
    }

    /** A super frame goes out as the segments it is cut into; any the pool has no slot for are {@code pool-empty}. */
    private boolean transmitSegments(int queue, Packet p) {
        boolean all = true;
        for (int i = 0, n = Segmenter.count(p); i < n; i++) {
            Packet q = Segmenter.segment(p, i, pool);
            if (q == null) {
                drops.count(DropReason.POOL_EMPTY);
                all = false;
                continue;
            }
            all &= transmitWhole(queue, q);
        }
        p.release();
        return all;
    }

    private boolean transmitWhole(int queue, Packet p) {
        final int len = p.length;
        // The sum the stack left to us is filled in before anyone sees the frame, as a device would.
        if (p.csumVerdict == Packet.CSUM_PARTIAL && fillsChecksums) Checksum.completePartial(p);
        final TxHandler h = txHandler;
        if (h != null) {
            try {
                h.onTransmit(queue, p);
            } catch (Throwable e) {  // extension code: contained as the pipeline contains it
                drops.drop(p, DropReason.EXTENSION_FAULT);
                return false;
            }
            p.release();
        } else if (!tx[queue].offer(p)) {
            drops.drop(p, DropReason.TX_FULL);
            return false;
        }
        counters.inc(txBase + 2 * queue);
        counters.add(txBase + 2 * queue + 1, len);
        return true;
    }

    // ---- collector side ----

    /**
     * Hands up to {@code max} transmitted frames of {@code queue} to {@code c}, oldest first, releasing
     * each after {@code c} returns (also if it throws). One collector per queue at a time.
     */
    public int drainTx(int queue, TxConsumer c, int max) {
        final MpscAtomicArrayQueue<Packet> q = tx[queue];
        int n = 0;
        while (n < max) {
            Packet p = q.relaxedPoll();
            if (p == null) break;
            n++;
            try {
                c.accept(queue, p);
            } finally {
                p.release();
            }
        }
        return n;
    }

    // ---- introspection ----

    @Override public String name() { return name; }
    @Override public PacketPool pool() { return pool; }
    @Override public int rxQueues() { return rx.length; }
    @Override public int txQueues() { return tx.length; }
    @Override public DropCounters drops() { return drops; }
    @Override public boolean fillsChecksums() { return fillsChecksums; }
    /** 64 KiB when built to {@link Builder#segmentsTcp segment TCP}, else 0. */
    @Override public int gsoMaxBytes() { return segmentsTcp ? 0xFFFF : 0; }
    @Override public void setRxListener(RxListener listener) { this.listener = listener; }

    public Rss rss() { return rss; }

    /** Frames waiting in receive queue {@code queue} (approximate while others run). */
    public int rxDepth(int queue) { return rx[queue].queue.size(); }

    @Override
    public boolean rxPending(int queue) { return !rx[queue].queue.isEmpty(); }

    /** Frames waiting in transmit queue {@code queue} (approximate while others run). */
    public int txDepth(int queue) { return tx[queue].size(); }

    public long rxPackets(int queue) { return counters.get(2 * checkRx(queue)); }
    public long rxBytes(int queue) { return counters.get(2 * checkRx(queue) + 1); }
    public long txPackets(int queue) { return counters.get(txBase + 2 * checkTx(queue)); }
    public long txBytes(int queue) { return counters.get(txBase + 2 * checkTx(queue) + 1); }

    /** All per-queue counters, labelled {@code rx<q>-packets}, {@code rx<q>-bytes}, {@code tx<q>-...}. */
    public Counters counters() { return counters; }

    private int checkRx(int q) { return Objects.checkIndex(q, rx.length); }
    private int checkTx(int q) { return Objects.checkIndex(q, tx.length); }

    /**
     * Refuses further frames and releases every queued one, counted as {@code shutdown} drops. Call
     * once traffic has stopped; the pool is the caller's and stays open.
     */
    @Override
    public void close() {
        closed = true;
        for (RxRing r : rx) {
            for (Packet p; (p = r.queue.relaxedPoll()) != null; ) drops.drop(p, DropReason.SHUTDOWN);
        }
        for (MpscAtomicArrayQueue<Packet> q : tx) {
            for (Packet p; (p = q.relaxedPoll()) != null; ) drops.drop(p, DropReason.SHUTDOWN);
        }
    }

    @Override
    public String toString() {
        return name + "[rx=" + rx.length + " tx=" + tx.length + "]";
    }

    /** Configuration, all optional but the pool. */
    public static final class Builder {
        private final PacketPool pool;
        private String name = "nic";
        private int rxQueues = 1;
        private int txQueues = 1;
        private int rxCapacity = DEFAULT_QUEUE_CAPACITY;
        private int txCapacity = DEFAULT_QUEUE_CAPACITY;
        private boolean sharedRxPolling;
        private Rss rss;
        private RxSteering steering;
        private LongSupplier clock = RealRuntime.INSTANCE::nanoTime;
        private TxHandler txHandler;
        private int csumVerdict = Packet.CSUM_NONE;
        private boolean fillsChecksums;
        private boolean segmentsTcp;

        private Builder(PacketPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
        }

        public Builder name(String name) { this.name = Objects.requireNonNull(name); return this; }

        /** Sets both receive and transmit queue counts. */
        public Builder queues(int n) { return rxQueues(n).txQueues(n); }

        public Builder rxQueues(int n) { this.rxQueues = positive(n, "rxQueues"); return this; }

        public Builder txQueues(int n) { this.txQueues = positive(n, "txQueues"); return this; }

        /** Capacity of every receive and transmit queue (JCTools rounds up to a power of two). */
        public Builder queueCapacity(int n) { return rxCapacity(n).txCapacity(n); }

        public Builder rxCapacity(int n) { this.rxCapacity = positive(n, "rxCapacity"); return this; }

        public Builder txCapacity(int n) { this.txCapacity = positive(n, "txCapacity"); return this; }

        /** Lets several threads poll one receive queue at once (MPMC instead of MPSC). */
        public Builder sharedRxPolling(boolean shared) { this.sharedRxPolling = shared; return this; }

        /** Hash and indirection table; default: Microsoft key, round robin over all receive queues. */
        public Builder rss(Rss rss) { this.rss = Objects.requireNonNull(rss); return this; }

        /** Receive-queue choice; default: the RSS indirection table. */
        public Builder steering(RxSteering steering) { this.steering = Objects.requireNonNull(steering); return this; }

        /** Arrival clock in nanoseconds: the runtime's ({@code runtime::nanoTime}); by default the real runtime's. */
        public Builder clock(LongSupplier nanos) { this.clock = Objects.requireNonNull(nanos); return this; }

        /** Sends every transmitted frame to {@code handler} on the transmitting thread instead of queueing. */
        public Builder txHandler(TxHandler handler) { this.txHandler = Objects.requireNonNull(handler); return this; }

        /**
         * The checksum verdict the device gives every frame it delivers: {@link Packet#CSUM_NONE} (the
         * default: the stack checks every sum), {@link Packet#CSUM_UNNECESSARY} (as a NIC that verified
         * them; frames with bad sums then pass, as they would behind such a NIC) or {@link
         * Packet#CSUM_PARTIAL}.
         */
        public Builder checksumVerdict(int verdict) {
            if (verdict != Packet.CSUM_NONE && verdict != Packet.CSUM_UNNECESSARY && verdict != Packet.CSUM_PARTIAL) {
                throw new IllegalArgumentException("checksum verdict must be Packet.CSUM_NONE, CSUM_UNNECESSARY or"
                        + " CSUM_PARTIAL, got " + verdict);
            }
            this.csumVerdict = verdict;
            return this;
        }

        /** The device fills in transport checksums the stack leaves it ({@link Packet#CSUM_PARTIAL}); off by default. */
        public Builder fillsChecksums(boolean fills) { this.fillsChecksums = fills; return this; }

        /**
         * Offers segmentation (TSO, {@link NicDriver#gsoMaxBytes()}) and cuts the TCP super frames it is
         * given with the {@link Segmenter}, as a device would. Needs {@link #fillsChecksums} and a pool
         * with jumbo slots ({@link PacketPool#withJumbo}); off by default.
         */
        public Builder segmentsTcp(boolean segments) { this.segmentsTcp = segments; return this; }

        public InMemoryNic build() { return new InMemoryNic(this); }

        private static int positive(int n, String what) {
            if (n <= 0) throw new IllegalArgumentException(what + " must be > 0, got " + n);
            return n;
        }
    }
}
