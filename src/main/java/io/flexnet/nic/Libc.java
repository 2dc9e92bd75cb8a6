// Downcalls into the C library (open, ioctl, read, readv, write, writev, eventfd, poll, close) through java.lang.foreign, with errno.
package io.flexnet.nic;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few system calls the TAP driver needs, bound once. Every call that can fail takes a caller-owned
 * errno segment ({@link #newErrnoState()}): {@code captureCallState("errno")} copies errno into it right
 * after the call, before the JVM can run anything that would overwrite it. Callers keep one segment per
 * thread so a call allocates nothing.
 *
 * <p>The numbers below are the Linux values for x86_64 and aarch64, the platforms {@link Tun#supported()}
 * accepts: both use the generic tables in the kernel's {@code include/uapi/asm-generic/} headers.
 */
final class Libc {
    // asm-generic/fcntl.h (octal in the header: O_RDWR 00000002, O_NONBLOCK 00004000, O_CLOEXEC 02000000).
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    // linux/eventfd.h: EFD_NONBLOCK and EFD_CLOEXEC are O_NONBLOCK and O_CLOEXEC.
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;

    // asm-generic/poll.h.
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    // asm-generic/errno-base.h and asm-generic/errno.h.
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EBADFD = 77;
    static final int ENOBUFS = 105;

    /** struct pollfd from asm-generic/poll.h: {@code int fd; short events; short revents;}. */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));
    static final long POLLFD_FD = 0, POLLFD_EVENTS = 4, POLLFD_REVENTS = 6;

    /** struct iovec from linux/uio.h: {@code void *iov_base; __kernel_size_t iov_len;}, 16 bytes on LP64. */
    static final StructLayout IOVEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("iov_base"),
            ValueLayout.JAVA_LONG.withName("iov_len"));
    static final long IOVEC_BASE = 0, IOVEC_LEN = 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_VH =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle OPEN = bind("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            ERRNO, Linker.Option.firstVariadicArg(2));
    // ioctl(int, unsigned long, ...): the third argument is variadic, here always a pointer.
    private static final MethodHandle IOCTL = bind("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS),
            ERRNO, Linker.Option.firstVariadicArg(2));
    // read/write take the buffer as its address value (a long) rather than a MemorySegment: the
    // per-packet call then needs no slice object. Pointers and longs travel in the same registers on
    // the 64-bit ABIs we accept; the packet pool's memory outlives the driver, which makes it safe.
    private static final MethodHandle READ = bind("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
            ERRNO);
    private static final MethodHandle READV = bind("readv",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT),
            ERRNO);
    private static final MethodHandle WRITE = bind("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
            ERRNO);
    private static final MethodHandle WRITEV = bind("writev",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT),
            ERRNO);
    // ioctl with an integer argument passed by value (TUNSETOFFLOAD reads its flags so, not through a pointer).
    private static final MethodHandle IOCTL_VALUE = bind("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
            ERRNO, Linker.Option.firstVariadicArg(2));
    // int eventfd(unsigned int initval, int flags): a counter file another thread writes to end a poll.
    private static final MethodHandle EVENTFD = bind("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            ERRNO);
    private static final MethodHandle POLL = bind("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT),
            ERRNO);
    private static final MethodHandle CLOSE = bind("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO);
    private static final MethodHandle STRERROR = bind("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Libc() {}

    /** A segment to receive errno; one per thread, reused for every call. */
    static MemorySegment newErrnoState() {
        return Arena.ofAuto().allocate(CAPTURE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO_VH.get(state, 0L);
    }

    static int open(MemorySegment errno, String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return (int) OPEN.invokeExact(errno, a.allocateFrom(path), flags);
        } catch (Throwable t) {
            throw fatal("open", t);
        }
    }

    static int ioctl(MemorySegment errno, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(errno, fd, request, arg);
        } catch (Throwable t) {
            throw fatal("ioctl", t);
        }
    }

    static long read(MemorySegment errno, int fd, long address, long count) {
        try {
            return (long) READ.invokeExact(errno, fd, address, count);
        } catch (Throwable t) {
            throw fatal("read", t);
        }
    }

    static long readv(MemorySegment errno, int fd, MemorySegment iovecs, int count) {
        try {
            return (long) READV.invokeExact(errno, fd, iovecs, count);
        } catch (Throwable t) {
            throw fatal("readv", t);
        }
    }

    static long write(MemorySegment errno, int fd, long address, long count) {
        try {
            return (long) WRITE.invokeExact(errno, fd, address, count);
        } catch (Throwable t) {
            throw fatal("write", t);
        }
    }

    static long writev(MemorySegment errno, int fd, MemorySegment iovecs, int count) {
        try {
            return (long) WRITEV.invokeExact(errno, fd, iovecs, count);
        } catch (Throwable t) {
            throw fatal("writev", t);
        }
    }

    static int ioctlValue(MemorySegment errno, int fd, long request, long value) {
        try {
            return (int) IOCTL_VALUE.invokeExact(errno, fd, request, value);
        } catch (Throwable t) {
            throw fatal("ioctl", t);
        }
    }

    static int eventfd(MemorySegment errno, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(errno, initval, flags);
        } catch (Throwable t) {
            throw fatal("eventfd", t);
        }
    }

    static int poll(MemorySegment errno, MemorySegment pollfds, long count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(errno, pollfds, count, timeoutMillis);
        } catch (Throwable t) {
            throw fatal("poll", t);
        }
    }

    static int close(MemorySegment errno, int fd) {
        try {
            return (int) CLOSE.invokeExact(errno, fd);
        } catch (Throwable t) {
            throw fatal("close", t);
        }
    }

    /** The C library's text for an errno value, e.g. "Device or resource busy". */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw fatal("strerror", t);
        }
    }

    /** The symbolic name of the errno values the driver reports, for messages. */
    static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case EBADFD -> "EBADFD";
            case ENOBUFS -> "ENOBUFS";
            default -> "errno " + errno;
        };
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    // invokeExact only throws what the native function cannot: a wrong handle type, a bug here.
    private static IllegalStateException fatal(String call, Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("downcall " + call + " failed", t);
    }
}
