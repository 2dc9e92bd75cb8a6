package io.flexnet.nic;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One direction of a faulty wire (STYLE §17, after smoltcp's {@code FaultInjector}): frames offered
 * to it are lost, corrupted, duplicated, rate-limited, delayed and reordered as its {@link Faults}
 * say, with randomness from a seed and time from the runtime's clock, and come out of {@link #poll}
 * once their time has come. Driven by a {@code ManualClock}, two stacks joined by two links run
 * deterministically: the same seed and the same calls give the same frames at the same times.
 *
 * <p>In order, per frame: loss, corruption (one bit of the IPv4 packet, or of what follows the
 * Ethernet header for anything else, so the receiver's checksum fails), duplication (a copy in a
 * slot of the frame's pool), then for the frame and its copy each: the rate limiter (a frame leaves
 * when the link has finished sending the bytes before it; one that would make more than
 * {@code queueBytes} wait is dropped), and the delay with its jitter and reordering hold. Held frames
 * wait in a binary heap ordered by release time, then by arrival, so equal times keep their order.
 *
 * <p>Every frame it drops is counted under a named reason and its slot released: {@code injected-loss},
 * {@code rate-limit}, {@code queue-full} (more than {@code maxHeld} held), {@code shutdown} (held at
 * {@link #close}); a copy that finds the pool empty is counted as {@code pool-empty}. Allocates
 * nothing per frame.
 *
 * <p>Not thread-safe: one thread offers and polls (the simulation's, or the one transmitting worker).
 */
public final class FaultLink implements AutoCloseable {
    /** Where frames go when their time has come; takes ownership. */
    @FunctionalInterface
    public interface Out {
        void deliver(int queue, Packet p);
    }

    private static final int ETH_HEADER = 14, VLAN_TAG = 4;

    private final Faults faults;
    private final SplittableRandom random;
    private final LongSupplier clock;
    private final DropCounters drops;
    // The heap of held frames: parallel arrays, slot i's children at 2i+1, 2i+2.
    private final long[] due;
    private final long[] order;
    private final Packet[] held;
    private final int[] queueOf;
    private int size;
    private long arrivals;
    /** When the rate limiter finishes sending what it has accepted. */
    private long busyUntil;
    private long offered, delivered, corrupted, duplicated;

    public FaultLink(String name, Faults faults, long seed, LongSupplier clock) {
        this.faults = java.util.Objects.requireNonNull(faults, "faults");
        this.random = new SplittableRandom(seed);
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        this.drops = new DropCounters(name);
        this.due = new long[faults.maxHeld()];
        this.order = new long[faults.maxHeld()];
        this.held = new Packet[faults.maxHeld()];
        this.queueOf = new int[faults.maxHeld()];
    }

    /** Takes {@code p} (to go out on transmit queue {@code queue}); false if the link dropped it. */
    public boolean offer(int queue, Packet p) {
        final Faults f = faults;
        final long now = clock.getAsLong();
        offered++;
        if (f.loss() > 0 && random.nextDouble() < f.loss()) {
            drops.drop(p, DropReason.INJECTED_LOSS);
            return false;
        }
        if (f.corrupt() > 0 && random.nextDouble() < f.corrupt()) {
            flipBit(p);
            corrupted++;
        }
        Packet copy = null;
        if (f.duplicate() > 0 && random.nextDouble() < f.duplicate()) {
            PacketPool pool = p.pool();
            copy = pool.isJumbo(p) ? pool.allocateJumbo() : pool.allocate();
            if (copy == null) {
                drops.count(DropReason.POOL_EMPTY);
            } else {
                MemorySegment.copy(p.segment(), p.offset, copy.segment(), copy.offset, p.length);
                copy.length = p.length;
                duplicated++;
            }
        }
        boolean sent = admit(queue, p, now);
        if (copy != null) admit(queue, copy, now);
        return sent;
    }

    /** Hands every frame whose time has come to {@code out}, in release order; returns how many. */
    public int poll(Out out) {
        final long now = clock.getAsLong();
        int n = 0;
        while (size > 0 && due[0] <= now) {
            int q = queueOf[0];
            Packet p = held[0];
            removeTop();
            delivered++;
            n++;
            out.deliver(q, p);
        }
        return n;
    }

    /** When the next held frame is due, or {@link Long#MAX_VALUE} when none is held. */
    public long nextDue() { return size == 0 ? Long.MAX_VALUE : due[0]; }

    /** Frames held now. */
    public int held() { return size; }

    public Faults faults() { return faults; }
    public DropCounters drops() { return drops; }
    public long offered() { return offered; }
    public long delivered() { return delivered; }
    public long corrupted() { return corrupted; }
    public long duplicated() { return duplicated; }

    /** Releases every held frame, counted as {@code shutdown}. */
    @Override
    public void close() {
        while (size > 0) {
            Packet p = held[0];
            removeTop();
            drops.drop(p, DropReason.SHUTDOWN);
        }
    }

    private boolean admit(int queue, Packet p, long now) {
        final Faults f = faults;
        long leave = now;
        if (f.rateBytes() > 0) {
            long start = Math.max(now, busyUntil);
            // Bytes still waiting ahead of this frame, from the time the limiter has booked.
            double waiting = (double) (start - now) * f.rateBytes() / 1e9;
            if (waiting + p.length > f.queueBytes()) {
                drops.drop(p, DropReason.RATE_LIMIT);
                return false;
            }
            busyUntil = start + p.length * 1_000_000_000L / f.rateBytes();
            leave = busyUntil;
        }
        if (size == held.length) {
            if (f.rateBytes() > 0) busyUntil -= p.length * 1_000_000_000L / f.rateBytes();
            drops.drop(p, DropReason.QUEUE_FULL);
            return false;
        }
        long at = leave + f.delayNanos();
        if (f.jitterNanos() > 0) at += random.nextLong(f.jitterNanos());
        if (f.reorder() > 0 && random.nextDouble() < f.reorder()) at += f.reorderNanos();
        push(at, queue, p);
        return true;
    }

    private void flipBit(Packet p) {
        final MemorySegment s = p.segment();
        final int base = p.offset, len = p.length;
        int from = ETH_HEADER, to = len;
        if (len >= ETH_HEADER + VLAN_TAG && type(s, base + 12) == 0x8100) from += VLAN_TAG;
        if (len >= from + 20 && type(s, base + from - 2) == 0x0800) {
            int total = type(s, base + from + 2);        // IPv4 total length: padding is not checked
            if (total >= 20) to = Math.min(len, from + total);
        }
        if (from >= to) { from = 0; to = len; }
        if (to <= 0) return;
        int at = base + from + random.nextInt(to - from);
        byte b = s.get(ValueLayout.JAVA_BYTE, at);
        s.set(ValueLayout.JAVA_BYTE, at, (byte) (b ^ (1 << random.nextInt(8))));
    }

    private static int type(MemorySegment s, long at) {
        return (s.get(ValueLayout.JAVA_BYTE, at) & 0xFF) << 8 | (s.get(ValueLayout.JAVA_BYTE, at + 1) & 0xFF);
    }

    // ---- the heap ----

    private boolean before(int i, int j) {
        return due[i] < due[j] || (due[i] == due[j] && order[i] < order[j]);
    }

    private void push(long at, int queue, Packet p) {
        int i = size++;
        due[i] = at;
        order[i] = arrivals++;
        queueOf[i] = queue;
        held[i] = p;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(i, parent)) break;
            swap(i, parent);
            i = parent;
        }
    }

    private void removeTop() {
        int last = --size;
        swap(0, last);
        held[last] = null;
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && before(l, m)) m = l;
            if (r < size && before(r, m)) m = r;
            if (m == i) break;
            swap(i, m);
            i = m;
        }
    }

    private void swap(int i, int j) {
        long d = due[i]; due[i] = due[j]; due[j] = d;
        long o = order[i]; order[i] = order[j]; order[j] = o;
        int q = queueOf[i]; queueOf[i] = queueOf[j]; queueOf[j] = q;
        Packet p = held[i]; held[i] = held[j]; held[j] = p;
    }
}
