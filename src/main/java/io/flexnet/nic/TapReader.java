// The receive loop of one TAP queue: poll the file, read frames into pooled slots, hand them to the stack.
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
 * Runs on its own platform thread, one per queue, the only producer of its receive queue. It blocks in
 * poll(2) for at most {@link #POLL_MILLIS} so that {@link TapNic#close()} stops it promptly without a
 * wake-up file, then reads up to {@link #BATCH} frames (the file is non-blocking, so the batch ends at
 * EAGAIN) straight into slots at their headroom.
 *
 * <p>A TAP read of a frame longer than the buffer returns the first bytes and silently discards the
 * rest, so the frame is read with readv(2) into the slot's room plus one spare byte: a read that
 * reaches the spare byte was a frame too long for the slot.
 */
final class TapReader implements Runnable {
    /** Longest a closing driver waits for this loop to notice; also the idle wake-up period. */
    static final int POLL_MILLIS = 50;
    /** Frames read per poll at most, so one busy queue cannot starve the check for close. */
    static final int BATCH = 64;
    /** A frame that finds no slot is read into this scratch to take it off the device, truncated. */
    private static final int SCRATCH_BYTES = 64;

    private final TapNic nic;
    private final int queue;
    private final int fd;
    private final PacketPool pool;
    private final SpscAtomicArrayQueue<Packet> rx;
    private final DropCounters drops;
    private final LongSupplier clock;
    private final MemorySegment errno = Libc.newErrnoState();
    private final MemorySegment pollfd;
    /** Two iovecs: the slot's room (set per read), then one byte of scratch that only a too-long frame reaches. */
    private final MemorySegment iov;
    private final long scratch;

    TapReader(TapNic nic, int queue, int fd, SpscAtomicArrayQueue<Packet> rx, LongSupplier clock) {
        this.nic = nic;
        this.queue = queue;
        this.fd = fd;
        this.pool = nic.pool();
        this.rx = rx;
        this.drops = nic.drops();
        this.clock = clock;
        Arena arena = Arena.ofAuto();
        this.pollfd = arena.allocate(Libc.POLLFD);
        pollfd.set(ValueLayout.JAVA_INT, Libc.POLLFD_FD, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, Libc.POLLFD_EVENTS, Libc.POLLIN);
        this.scratch = arena.allocate(SCRATCH_BYTES).address();
        this.iov = arena.allocate(Libc.IOVEC, 2);
        iov.set(ValueLayout.JAVA_LONG, Libc.IOVEC.byteSize() + Libc.IOVEC_BASE, scratch);
        iov.set(ValueLayout.JAVA_LONG, Libc.IOVEC.byteSize() + Libc.IOVEC_LEN, 1L);
    }

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
                readBatch();
            } else {
                // POLLERR/POLLHUP without data: the interface went away under us (ip link del), and
                // the file stays in error for good. Say so, and stop reading it.
                nic.readError(Libc.EBADFD);
                nic.deviceGone(Libc.EBADFD);
            }
        } else if (ready < 0 && Libc.errno(errno) != Libc.EINTR) {
            nic.readError(Libc.errno(errno));
            pause();
        }
    }

    private void readBatch() {
        final PacketPool pool = this.pool;
        final SpscAtomicArrayQueue<Packet> rx = this.rx;
        for (int i = 0; i < BATCH; i++) {
            Packet p = pool.allocate();
            if (p == null) {
                if (!discardOne()) return;
                continue;
            }
            int room = p.tailroom();
            iov.set(ValueLayout.JAVA_LONG, Libc.IOVEC_BASE, p.segment().address() + p.offset);
            iov.set(ValueLayout.JAVA_LONG, Libc.IOVEC_LEN, room);
            long n = Libc.readv(errno, fd, iov, 2);
            if (n <= 0) {
                p.release();  // nothing was received into it: not a drop
                if (n < 0) readFailed();
                return;
            }
            long now = clock.getAsLong();
            if (n > room) {
                drops.drop(p, DropReason.FRAME_TOO_LONG);
                continue;
            }
            p.length = (int) n;
            p.rxQueue = queue;
            p.arrivalNanos = now;
            if (!rx.offer(p)) {
                drops.drop(p, DropReason.QUEUE_FULL);
                continue;
            }
            nic.received(n);
            // Single producer: if the queue now holds exactly this frame, it was empty before the offer
            // (or the consumer is already taking from it, when a wake-up is harmless).
            if (rx.size() == 1) nic.signal(queue);
        }
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

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
