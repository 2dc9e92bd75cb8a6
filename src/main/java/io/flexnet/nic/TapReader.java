// Reading one TAP queue: frames into pooled slots, with the kernel's virtio header turned into the packet's verdict.
package io.flexnet.nic;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongSupplier;
import org.jctools.queues.atomic.SpscAtomicArrayQueue;

/**
 * Reads one queue's file, non-blocking, up to a batch of frames straight into slots at their
 * headroom; the batch ends at EAGAIN. Used two ways ({@link TapNic.RxMode}): by the worker that polls
 * the queue, on its own thread ({@link #read}), or by a reader thread of its own that blocks in
 * poll(2) for at most {@link #POLL_MILLIS} (so {@link TapNic#close()} stops it promptly without a
 * wake-up file) and offers the frames to a queue the stack drains ({@link #run}).
 *
 * <p>Each read is one readv(2) of three parts: the {@link VirtioNetHdr} into scratch, the frame into
 * the slot's room, and one spare byte. A TAP read of a frame longer than the buffer returns the first
 * bytes and silently discards the rest, so a read that reaches the spare byte was a frame too long for
 * the slot. The header's flags become {@link Packet#csumVerdict}.
 *
 * <p>With segmentation offload ({@link TapNic#gsoMaxBytes()}, TUN_F_TSO4) the kernel hands over TCP
 * super frames of up to 64 KiB, many segments' data behind one set of headers, and the third part is
 * instead the rest of a spare jumbo slot, just past where the ordinary slot's room ends. A frame that
 * reaches it moves its first part (one slot's room) over and travels whole in the jumbo slot: one read
 * and one trip through the layers for what would have been dozens (Linux's GRO gives its own stack the
 * same). While no jumbo slot is free the spare byte is back, and a super frame that finds it is
 * counted as {@code pool-empty}; the next batch tries for a jumbo slot again.
 */
final class TapReader implements Runnable {
    /** Longest a closing driver waits for a reader thread to notice; also its idle wake-up period. */
    static final int POLL_MILLIS = 50;
    /** Frames a reader thread reads per poll at most, so one busy queue cannot starve the check for close. */
    static final int BATCH = 64;
    /** A frame that finds no slot is read into this scratch to take it off the device, truncated. */
    private static final int SCRATCH_BYTES = 64;

    private final TapNic nic;
    private final int queue;
    private final int fd;
    private final PacketPool pool;
    private final DropCounters drops;
    private final LongSupplier clock;
    private final MemorySegment errno = Libc.newErrnoState();
    private final MemorySegment pollfd;
    /** Three iovecs: the virtio header, the slot's room (set per read), one byte that only a too-long frame reaches. */
    private final MemorySegment iov;
    private final MemorySegment vnet;
    private final long scratch;
    /** With segmentation offload: the jumbo slot the third iovec reads into, or null. */
    private Packet spare;
    private final boolean jumbo;
    /** The reader thread's batch, or null when the worker reads. */
    private final Packet[] batch;
    private SpscAtomicArrayQueue<Packet> rx;

    TapReader(TapNic nic, int queue, int fd, LongSupplier clock, boolean ownThread) {
        this.nic = nic;
        this.queue = queue;
        this.fd = fd;
        this.pool = nic.pool();
        this.drops = nic.drops();
        this.clock = clock;
        Arena arena = Arena.ofAuto();
        this.pollfd = arena.allocate(Libc.POLLFD);
        pollfd.set(ValueLayout.JAVA_INT, Libc.POLLFD_FD, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, Libc.POLLFD_EVENTS, Libc.POLLIN);
        this.scratch = arena.allocate(SCRATCH_BYTES).address();
        this.vnet = arena.allocate(VirtioNetHdr.SIZE, 8);
        long iovSize = Libc.IOVEC.byteSize();
        this.iov = arena.allocate(Libc.IOVEC, 3);
        iov.set(ValueLayout.JAVA_LONG, Libc.IOVEC_BASE, vnet.address());
        iov.set(ValueLayout.JAVA_LONG, Libc.IOVEC_LEN, (long) VirtioNetHdr.SIZE);
        iov.set(ValueLayout.JAVA_LONG, 2 * iovSize + Libc.IOVEC_BASE, scratch);
        iov.set(ValueLayout.JAVA_LONG, 2 * iovSize + Libc.IOVEC_LEN, 1L);
        this.batch = ownThread ? new Packet[BATCH] : null;
        this.jumbo = nic.gsoMaxBytes() > 0;
        if (jumbo) takeSpare();
    }

    /** Points the third iovec at a fresh jumbo slot's tail, or at the spare byte when none is free. */
    private void takeSpare() {
        final long third = 2 * Libc.IOVEC.byteSize();
        Packet j = pool.allocateJumbo();
        spare = j;
        if (j == null) {
            iov.set(ValueLayout.JAVA_LONG, third + Libc.IOVEC_BASE, scratch);
            iov.set(ValueLayout.JAVA_LONG, third + Libc.IOVEC_LEN, 1L);
            return;
        }
        int room = pool.slotSize() - j.offset;  // an ordinary slot's room at the same headroom
        iov.set(ValueLayout.JAVA_LONG, third + Libc.IOVEC_BASE, j.segment().address() + j.offset + room);
        iov.set(ValueLayout.JAVA_LONG, third + Libc.IOVEC_LEN, (long) (j.tailroom() - room));
    }

    /** Gives the spare jumbo slot back (the driver is closing). */
    void releaseSpare() {
        Packet j = spare;
        spare = null;
        if (j != null) j.release();
    }

    /** The queue a reader thread offers to; set before the thread starts. */
    void feed(SpscAtomicArrayQueue<Packet> rx) { this.rx = rx; }

    @Override
    public void run() {
        while (nic.isOpen() && nic.failure() == null) pollOnce();
    }

    /**
     * One wait and one batch. A method of its own so the JIT compiles it by invocation count: a loop
     * left in {@code run()} would stay interpreted until on-stack replacement, and interpreted downcalls
     * allocate their errno-capture view on every call, which compiled code optimises away.
     */
    private void pollOnce() {
        int ready = Libc.poll(errno, pollfd, 1, POLL_MILLIS);
        if (ready > 0) {
            short revents = pollfd.get(ValueLayout.JAVA_SHORT, Libc.POLLFD_REVENTS);
            if ((revents & Libc.POLLIN) != 0) {
                offerBatch();
            } else {
                gone();
            }
        } else if (ready < 0 && Libc.errno(errno) != Libc.EINTR) {
            nic.readError(Libc.errno(errno));
            pause();
        }
    }

    /** POLLERR/POLLHUP without data: the interface went away under us (ip link del), for good. */
    void gone() {
        nic.readError(Libc.EBADFD);
        nic.deviceGone(Libc.EBADFD);
    }

    private void offerBatch() {
        final Packet[] b = batch;
        final int n = read(b, BATCH);
        final SpscAtomicArrayQueue<Packet> q = rx;
        for (int i = 0; i < n; i++) {
            Packet p = b[i];
            b[i] = null;
            final int length = p.length;  // once offered, the frame is the consumer's: read nothing of it after
            if (!q.offer(p)) {
                drops.drop(p, DropReason.QUEUE_FULL);
                continue;
            }
            nic.received(length);
            // Single producer: if the queue now holds exactly this frame, it was empty before the offer
            // (or the consumer is already taking from it, when a wake-up is harmless).
            if (q.size() == 1) nic.signal(queue);
        }
    }

    /**
     * Reads up to {@code max} frames into {@code out[0..n)} without blocking and returns n: the batch
     * ends at EAGAIN. Frames are stamped with one clock read per batch. The caller owns them.
     */
    int read(Packet[] out, int max) {
        final PacketPool pool = this.pool;
        final MemorySegment iov = this.iov;
        final long second = Libc.IOVEC.byteSize();
        int n = 0;
        long now = 0;
        if (jumbo && spare == null) takeSpare();  // the jumbo slots ran out at the last super frame: try again
        for (int i = 0; i < max; i++) {
            Packet p = pool.allocate();
            if (p == null) {
                if (!discardOne()) break;
                continue;
            }
            int room = p.tailroom();
            iov.set(ValueLayout.JAVA_LONG, second + Libc.IOVEC_BASE, p.segment().address() + p.offset);
            iov.set(ValueLayout.JAVA_LONG, second + Libc.IOVEC_LEN, room);
            long got = Libc.readv(errno, fd, iov, 3);
            if (got <= 0) {
                p.release();  // nothing was received into it: not a drop
                if (got < 0) readFailed();
                break;
            }
            long len = got - VirtioNetHdr.SIZE;
            if (len > room && spare != null) p = joinSpare(p, room);
            if (!accept(p, len, p.tailroom())) continue;
            if (now == 0) now = clock.getAsLong();
            p.length = (int) len;
            p.rxQueue = queue;
            p.arrivalNanos = now;
            out[n++] = p;
        }
        return n;
    }

    /** A frame longer than its slot's room: its first part joins the rest, already in the spare jumbo slot. */
    private Packet joinSpare(Packet p, int room) {
        Packet j = spare;
        MemorySegment.copy(p.segment(), p.offset, j.segment(), j.offset, room);
        p.release();
        takeSpare();
        return j;
    }

    /** The virtio header's word on the frame: its checksum verdict, or a reason to drop it. */
    private boolean accept(Packet p, long len, int room) {
        final MemorySegment h = vnet;
        if (len < 0) {  // shorter than the header the kernel always writes: not a frame we understand
            drops.drop(p, DropReason.TRUNCATED);
            return false;
        }
        int gso = VirtioNetHdr.gsoType(h);
        if (gso == VirtioNetHdr.GSO_TCPV4 && jumbo) {
            nic.gsoFrame(gso, VirtioNetHdr.gsoSize(h));  // a TCP super frame, whole: the layers take it as one segment
            if (len > room) {  // no jumbo slot was free to finish it in
                drops.drop(p, DropReason.POOL_EMPTY);
                return false;
            }
        } else if (gso != VirtioNetHdr.GSO_NONE) {
            nic.gsoFrame(gso, VirtioNetHdr.gsoSize(h));
            drops.drop(p, DropReason.GSO_UNSUPPORTED);
            return false;
        }
        if (len > room) {
            drops.drop(p, DropReason.FRAME_TOO_LONG);
            return false;
        }
        int flags = VirtioNetHdr.flags(h);
        if ((flags & VirtioNetHdr.F_NEEDS_CSUM) != 0) {
            p.csumVerdict = Packet.CSUM_PARTIAL;
            p.csumOffset = VirtioNetHdr.csumOffset(h);
        } else if ((flags & VirtioNetHdr.F_DATA_VALID) != 0) {
            p.csumVerdict = Packet.CSUM_UNNECESSARY;
        }
        return true;
    }

    /** Whether the file holds a frame now: poll(2) with no wait. */
    boolean pending() {
        int ready = Libc.poll(errno, pollfd, 1, 0);
        if (ready <= 0) return false;
        short revents = pollfd.get(ValueLayout.JAVA_SHORT, Libc.POLLFD_REVENTS);
        return (revents & Libc.POLLIN) != 0 || (revents & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0;
    }

    /** Takes one frame off the device when the pool is empty; false when there was none. */
    private boolean discardOne() {
        long n = Libc.read(errno, fd, scratch, SCRATCH_BYTES);
        if (n > 0) {
            drops.count(DropReason.POOL_EMPTY);
            return true;
        }
        if (n < 0) readFailed();
        return false;
    }

    private void readFailed() {
        int e = Libc.errno(errno);
        if (e == Libc.EAGAIN || e == Libc.EINTR) return;
        nic.readError(e);
        if (e == Libc.EBADFD || e == Libc.ENXIO || e == Libc.ENODEV) nic.deviceGone(e);
    }

    /** A device's reader runs on the real runtime only: a TAP has no simulated twin. */
    private static void pause() { io.flexnet.runtime.RealRuntime.INSTANCE.park(POLL_MILLIS * 1_000_000L); }
}
