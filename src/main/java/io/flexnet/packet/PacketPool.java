package io.flexnet.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * A fixed number of fixed-size off-heap slots, all allocated when the pool is made, each with a
 * reusable {@link Packet} handle. Any thread may allocate and release.
 *
 * <p>The free list is a bounded MPMC queue (JCTools' VarHandle-based variant, which needs no
 * {@code sun.misc.Unsafe}). Double release is detected and refused: a slot returning twice would let
 * two owners write one frame.
 *
 * <p>A pool may also hold a few <b>jumbo</b> slots, numbered after the ordinary ones and with a free
 * list of their own ({@link #allocateJumbo()}): room for a TCP super frame of up to 64 KiB that a
 * device cuts into segments or made of segments (Linux's GSO and GRO skbs). Release returns either
 * kind to its own list; a packet's slot number stays unique across both, so per-slot tables keep working.
 */
public final class PacketPool implements AutoCloseable {
    public static final int DEFAULT_SLOT_SIZE = 2048;
    /** Room for Ethernet (+VLAN), IPv4 with options and TCP with options to be prepended. */
    public static final int DEFAULT_HEADROOM = 128;

    private final Arena arena;
    private final Packet[] packets;
    private final MpmcAtomicArrayQueue<Packet> freeList;
    /** Jumbo slots' free list; null when the pool has none. */
    private final MpmcAtomicArrayQueue<Packet> jumboFree;
    private final int ordinary;
    private final int slotSize;
    private final int jumboSize;
    private final int headroom;
    private final AtomicLong allocFailures = new AtomicLong();

    public PacketPool(int slots) {
        this(slots, DEFAULT_SLOT_SIZE, DEFAULT_HEADROOM);
    }

    public PacketPool(int slots, int slotSize, int headroom) {
        this(slots, slotSize, headroom, 0, 0);
    }

    /** Ordinary slots and {@code jumboSlots} more of {@code jumboSize} bytes each, for super frames. */
    public static PacketPool withJumbo(int slots, int jumboSlots) {
        return new PacketPool(slots, DEFAULT_SLOT_SIZE, DEFAULT_HEADROOM, jumboSlots, JUMBO_SLOT_SIZE);
    }

    /** A jumbo slot's size by default: a 64 KiB IP packet, its Ethernet header and the headroom. */
    public static final int JUMBO_SLOT_SIZE = 65536 + DEFAULT_HEADROOM + 64;

    public PacketPool(int slots, int slotSize, int headroom, int jumboSlots, int jumboSize) {
        if (jumboSlots < 0) throw new IllegalArgumentException("jumboSlots must be >= 0, got " + jumboSlots);
        if (jumboSlots > 0 && jumboSize <= slotSize) {
            throw new IllegalArgumentException("jumboSize must exceed slotSize " + slotSize + ", got " + jumboSize);
        }
        if (slots <= 0) throw new IllegalArgumentException("slots must be > 0, got " + slots);
        if (slotSize < 128) throw new IllegalArgumentException("slotSize must be >= 128, got " + slotSize);
        if (headroom < 0 || headroom >= slotSize) {
            throw new IllegalArgumentException("headroom must be in [0, slotSize), got " + headroom);
        }
        this.slotSize = slotSize;
        this.jumboSize = jumboSlots > 0 ? jumboSize : 0;
        this.headroom = headroom;
        this.ordinary = slots;
        this.arena = Arena.ofShared();
        // Cache-line aligned so a slot never shares a line with its neighbour's headers.
        MemorySegment all = arena.allocate((long) slots * slotSize, 64);
        this.packets = new Packet[slots + jumboSlots];
        this.freeList = new MpmcAtomicArrayQueue<>(slots);
        for (int i = 0; i < slots; i++) {
            Packet p = new Packet(this, i, all.asSlice((long) i * slotSize, slotSize));
            p.reset(headroom);
            packets[i] = p;
            freeList.offer(p);
        }
        this.jumboFree = jumboSlots > 0 ? new MpmcAtomicArrayQueue<>(jumboSlots) : null;
        if (jumboSlots > 0) {
            MemorySegment big = arena.allocate((long) jumboSlots * jumboSize, 64);
            for (int j = 0; j < jumboSlots; j++) {
                Packet p = new Packet(this, slots + j, big.asSlice((long) j * jumboSize, jumboSize));
                p.reset(headroom);
                packets[slots + j] = p;
                jumboFree.offer(p);
            }
        }
    }

    /**
     * Takes a free jumbo slot, reset to an empty frame at the headroom, or null when the pool has none
     * free (or none at all). Not counted as an allocation failure: the caller falls back to ordinary slots.
     */
    public Packet allocateJumbo() {
        if (jumboFree == null) return null;
        Packet p = jumboFree.relaxedPoll();
        if (p == null && (p = jumboFree.poll()) == null) return null;
        p.free = false;
        p.reset(headroom);
        return p;
    }

    /** Jumbo slots in the pool (free or not); 0 when it has none. */
    public int jumboSlots() { return packets.length - ordinary; }

    /** A jumbo slot's size in bytes, 0 when the pool has none. */
    public int jumboSize() { return jumboSize; }

    /** Whether {@code p}'s slot is a jumbo one. */
    public boolean isJumbo(Packet p) { return p.index() >= ordinary; }

    /** Takes a free slot, reset to an empty frame at the headroom, or null when none is free. */
    public Packet allocate() {
        Packet p = freeList.relaxedPoll();
        if (p == null) {
            p = freeList.poll();  // relaxedPoll may miss an element being published; ask once more.
            if (p == null) {
                allocFailures.incrementAndGet();
                return null;
            }
        }
        p.free = false;
        p.reset(headroom);
        return p;
    }

    /**
     * Copies {@code frame} into a newly allocated slot (a jumbo one when it is too long for an ordinary
     * slot); null when no slot of the kind is free or it is too long for any.
     */
    public Packet allocate(byte[] frame, int off, int len) {
        boolean big = len > slotSize - headroom;
        if (big && len > jumboSize - headroom) return null;
        Packet p = big ? allocateJumbo() : allocate();
        if (p == null) return null;
        MemorySegment.copy(frame, off, p.segment(), ValueLayout.JAVA_BYTE, p.offset, len);
        p.length = len;
        return p;
    }

    void release(Packet p) {
        if (p.pool() != this) throw new IllegalArgumentException(p + " belongs to another pool");
        if (p.free) throw new IllegalStateException(p + " released twice");
        p.free = true;
        if (!(p.index() >= ordinary ? jumboFree : freeList).offer(p)) {
            throw new IllegalStateException("free list overflow: more releases than slots");
        }
    }

    public Packet get(int index) { return packets[index]; }
    public int capacity() { return packets.length; }
    /** Free slots right now (approximate while other threads allocate or release). */
    public int available() { return freeList.size() + (jumboFree == null ? 0 : jumboFree.size()); }
    public int inUse() { return capacity() - available(); }
    public int slotSize() { return slotSize; }
    public int headroom() { return headroom; }
    /** Largest frame a slot holds when received at the headroom. */
    public int maxFrame() { return slotSize - headroom; }
    public long allocFailures() { return allocFailures.get(); }

    /** Frees the off-heap memory. Only when no thread uses any packet any more. */
    @Override
    public void close() { arena.close(); }
}
