// The sleep of a worker that reads a TAP queue itself: poll(2) on the queue's file and on a wake-up file.
package io.flexnet.nic;

import io.flexnet.runtime.KernelWait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Blocks in poll(2) on two files: the TAP queue's, so a frame from the kernel wakes the worker in one
 * step (the kernel's wake-up of the polling thread is the only one a request costs), and an eventfd,
 * which {@link #wake()} writes so that work arriving elsewhere (a coroutine queue, a stop) ends the
 * wait too. Both are level-triggered, so nothing that happens between the worker's last look and its
 * poll is missed: the frame is still readable, the eventfd still counts.
 */
final class TapWait implements KernelWait {
    private static final int TAP = 0, WAKE = 1;
    private static final long ONE_MILLI = 1_000_000;

    private final TapReader reader;
    private final int eventFd;
    private final MemorySegment errno = Libc.newErrnoState();
    /** errno for {@link #wake()}, which any thread may call: its value is never read. */
    private final MemorySegment wakeErrno = Libc.newErrnoState();
    private final MemorySegment pollfds;
    /** Eight bytes: the counter value written by wake() (1) and read back to reset it. */
    private final MemorySegment one;
    private final MemorySegment drained;

    TapWait(TapReader reader, int tapFd, int eventFd) {
        this.reader = reader;
        this.eventFd = eventFd;
        Arena arena = Arena.ofAuto();
        this.pollfds = arena.allocate(Libc.POLLFD, 2);
        long size = Libc.POLLFD.byteSize();
        pollfds.set(ValueLayout.JAVA_INT, TAP * size + Libc.POLLFD_FD, tapFd);
        pollfds.set(ValueLayout.JAVA_SHORT, TAP * size + Libc.POLLFD_EVENTS, Libc.POLLIN);
        pollfds.set(ValueLayout.JAVA_INT, WAKE * size + Libc.POLLFD_FD, eventFd);
        pollfds.set(ValueLayout.JAVA_SHORT, WAKE * size + Libc.POLLFD_EVENTS, Libc.POLLIN);
        this.one = arena.allocate(8, 8);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        this.drained = arena.allocate(8, 8);
    }

    @Override
    public void await(long maxNanos) {
        // poll(2) counts milliseconds: round up, so a short backstop still sleeps rather than spins.
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (maxNanos + ONE_MILLI - 1) / ONE_MILLI));
        int ready = Libc.poll(errno, pollfds, 2, millis);
        if (ready <= 0) return;  // time up, or EINTR: the caller looks for work either way
        long size = Libc.POLLFD.byteSize();
        short wake = pollfds.get(ValueLayout.JAVA_SHORT, WAKE * size + Libc.POLLFD_REVENTS);
        if ((wake & Libc.POLLIN) != 0) Libc.read(errno, eventFd, drained.address(), 8);  // reset the count
        short tap = pollfds.get(ValueLayout.JAVA_SHORT, TAP * size + Libc.POLLFD_REVENTS);
        if ((tap & Libc.POLLIN) == 0 && (tap & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0) reader.gone();
    }

    @Override
    public void wake() {
        Libc.write(wakeErrno, eventFd, one.address(), 8);  // EAGAIN only when the count is full: still awake
    }
}
