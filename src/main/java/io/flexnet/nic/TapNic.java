// A NIC driver over a Linux TAP device, so the Linux kernel is a real peer of the stack (no JNI: java.lang.foreign).
package io.flexnet.nic;

import io.flexnet.runtime.RealRuntime;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.KernelWait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jctools.queues.atomic.SpscAtomicArrayQueue;

/**
 * Serves a Linux TAP interface: frames the kernel sends out of the interface arrive here, frames
 * transmitted here enter the kernel as if received on it. Each queue is one file of
 * {@code /dev/net/tun}; with several queues the interface is multi-queue and the kernel spreads flows
 * over them by its own hash.
 *
 * <p>Receive, one of two ways ({@link RxMode}). {@link RxMode#WORKER} ({@link #openForWorkers}): the
 * worker that polls a queue reads its file itself, non-blocking, a batch per {@link #receive}, and
 * when idle sleeps in poll(2) on it ({@link #rxWait}), so a request costs one thread wake-up.
 * {@link RxMode#READER_THREADS} ({@link #open}): a platform thread per queue reads frames and offers
 * them to a bounded single-producer single-consumer queue, which {@link #receive} drains, and signals
 * the {@link RxListener}. Either way frames land directly in pooled slots (no copy), stamped with the
 * clock; a frame that finds no free slot, a full queue, or is longer than a slot is counted in
 * {@link #drops()} ({@code pool-empty}, {@code queue-full}, {@code frame-too-long}) and discarded.
 * Each receive queue has one consumer at a time.
 *
 * <p>Every frame carries the kernel's {@link VirtioNetHdr} ({@code IFF_VNET_HDR}): its flags become the
 * packet's {@link Packet#csumVerdict}. With checksum offload ({@code TUNSETOFFLOAD TUN_F_CSUM}) the
 * kernel leaves transport sums of the frames it sends us partial, and {@link #fillsChecksums()}: our
 * frames go out with {@code NEEDS_CSUM} and the kernel completes or trusts their sums.
 *
 * <p>Segmentation offload, both ways, when checksum offload is on and the pool has
 * {@link PacketPool#allocateJumbo() jumbo slots} ({@link #gsoMaxBytes()}): {@code TUN_F_TSO4} lets the
 * kernel send us TCP super frames of up to 64 KiB, which arrive whole in a jumbo slot (counted as
 * {@code gso-frames}; see {@link TapReader}), and a frame with {@link Packet#gsoSize} goes to the
 * kernel as one with {@code GSO_TCPV4}, cut by it (counted as {@code tso-frames}). Any other
 * super frame is dropped as {@code gso-unsupported}.
 *
 * <p>Transmit writes the header and the frame from its slot (no copy) on the calling thread and
 * releases it; a write the kernel refuses counts as {@code tx-full} (EAGAIN, ENOBUFS) or {@code tx-error}.
 *
 * <p>Opening needs CAP_NET_ADMIN unless the interface already exists as a persistent TAP the user may
 * open; failures are {@link TapException}s that say what to do. The interface lives as long as the
 * driver (unless it was made persistent beforehand). It may be moved into another network namespace
 * after opening ({@code ip link set NAME netns NS}): the files keep serving it.
 *
 * <pre>{@code
 * try (PacketPool pool = new PacketPool(4096);
 *      TapNic nic = TapNic.open("fx0", pool)) {
 *     Packet[] batch = new Packet[32];
 *     int n = nic.receive(0, batch, batch.length);
 *     ...
 * }
 * }</pre>
 */
public final class TapNic implements NicDriver {
    /** Frames each receive queue holds when nobody drains it, by default. */
    public static final int DEFAULT_RX_CAPACITY = 1024;
    /** The kernel's limit, {@code MAX_TAP_QUEUES} in drivers/net/tun.c (not in the UAPI headers). */
    public static final int MAX_QUEUES = 256;
    /** Longest {@link #close()} waits for a reader thread: a few poll periods. */
    private static final long JOIN_MILLIS = 10L * TapReader.POLL_MILLIS;

    private static final String[] STATS = {"rx-frames", "rx-bytes", "tx-frames", "tx-bytes", "io-errors",
            "listener-faults", "gso-frames", "tso-frames"};
    private static final int RX_FRAMES = 0, RX_BYTES = 1, TX_FRAMES = 2, TX_BYTES = 3, IO_ERRORS = 4,
            LISTENER_FAULTS = 5, GSO_FRAMES = 6, TSO_FRAMES = 7;

    /** Who reads the queues' files. */
    public enum RxMode {
        /** A platform thread per queue reads and queues frames; the stack drains the queues. */
        READER_THREADS,
        /** The worker that polls a queue reads its file and sleeps in poll(2) on it: no thread between. */
        WORKER
    }

    /** Per transmitting thread, so a transmit allocates nothing: errno, two iovecs, the virtio header. */
    private static final class TxState {
        final MemorySegment errno = Libc.newErrnoState();
        final MemorySegment iov;
        final MemorySegment hdr;

        TxState() {
            Arena arena = Arena.ofAuto();
            iov = arena.allocate(Libc.IOVEC, 2);
            hdr = arena.allocate(VirtioNetHdr.SIZE, 8);
            iov.set(java.lang.foreign.ValueLayout.JAVA_LONG, Libc.IOVEC_BASE, hdr.address());
            iov.set(java.lang.foreign.ValueLayout.JAVA_LONG, Libc.IOVEC_LEN, (long) VirtioNetHdr.SIZE);
        }
    }

    private static final ThreadLocal<TxState> TX = ThreadLocal.withInitial(TxState::new);

    private final String name;
    private final PacketPool pool;
    private final int[] fds;
    private final RxMode mode;
    private final boolean checksumOffload;
    /** TSO both ways: checksum offload and jumbo slots to hold super frames. */
    private final boolean segmentation;
    private final TapReader[] readers;
    /** READER_THREADS: the queues the threads fill and their threads; WORKER: empty. */
    private final SpscAtomicArrayQueue<Packet>[] rx;
    private final Thread[] readerThreads;
    /** WORKER: each queue's sleep and its wake-up file; READER_THREADS: empty. */
    private final TapWait[] waits;
    private final int[] eventFds;
    private final DropCounters drops;
    private final Counters stats;
    private volatile RxListener listener;
    private volatile boolean open = true;
    private volatile int lastErrno;
    /** Why the device stopped working under us (deleted), or null while it works. */
    private volatile String failure;
    private volatile Runnable failureListener;
    /** Held while serving a persistent multi-queue interface; see {@link #refuseIfServed}. */
    private ServeLock lock;

    /** One queue, the real runtime's clock, reader threads. */
    public static TapNic open(String name, PacketPool pool) {
        return open(name, 1, pool, DEFAULT_RX_CAPACITY, RealRuntime.INSTANCE::nanoTime);
    }

    /**
     * Opens (creating if needed) TAP interface {@code name} with {@code queues} queues, each read by the
     * worker that polls it ({@link RxMode#WORKER}): {@link #receive} reads the file, {@link #rxWait}
     * sleeps on it. Close it only after those workers stopped.
     *
     * @param checksumOffload ask the kernel to leave transport sums to us partial (TUN_F_CSUM) and leave
     *                        ours to it ({@link #fillsChecksums()}); off, every sum is whole both ways
     * @throws TapException when the device cannot be opened, with the reason and what to do
     */
    public static TapNic openForWorkers(String name, int queues, PacketPool pool, boolean checksumOffload,
                                        LongSupplier clock) {
        checkOpen(name, queues, pool, clock);
        return new TapNic(Tun.CLONE_DEVICE, name, queues, pool, 1, clock, RxMode.WORKER, checksumOffload);
    }

    private static void checkOpen(String name, int queues, PacketPool pool, LongSupplier clock) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(clock, "clock");
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("queues must be in [1, " + MAX_QUEUES + "], got " + queues);
        }
        Tun.checkName(name);
        if (!Tun.supported()) throw TapException.unsupported();
    }

    /**
     * Opens (creating if needed) TAP interface {@code name} with {@code queues} queues, each read by a
     * thread of its own ({@link RxMode#READER_THREADS}), without checksum offload.
     *
     * @param name       at most 15 bytes; a single {@code %d} lets the kernel number it (see {@link #name()})
     * @param queues     1 for a plain TAP, 2..256 for a multi-queue TAP
     * @param pool       where received frames go; must outlive this driver
     * @param rxCapacity frames each receive queue holds (rounded up to a power of two)
     * @param clock      nanosecond clock stamped on received frames as {@link Packet#arrivalNanos}
     * @throws TapException when the device cannot be opened, with the reason and what to do
     */
    public static TapNic open(String name, int queues, PacketPool pool, int rxCapacity, LongSupplier clock) {
        if (rxCapacity < 1) throw new IllegalArgumentException("rxCapacity must be > 0, got " + rxCapacity);
        checkOpen(name, queues, pool, clock);
        return new TapNic(Tun.CLONE_DEVICE, name, queues, pool, rxCapacity, clock, RxMode.READER_THREADS, false);
    }

    /** As {@link #open(String, int, PacketPool, int, LongSupplier)} with another clone device, for tests. */
    static TapNic open(String device, String name, PacketPool pool) {
        Tun.checkName(name);
        return new TapNic(device, name, 1, pool, DEFAULT_RX_CAPACITY, RealRuntime.INSTANCE::nanoTime,
                RxMode.READER_THREADS, false);
    }

    @SuppressWarnings("unchecked")
    private TapNic(String device, String requested, int queues, PacketPool pool, int rxCapacity,
                   LongSupplier clock, RxMode mode, boolean checksumOffload) {
        this.pool = pool;
        this.mode = mode;
        this.checksumOffload = checksumOffload;
        this.segmentation = checksumOffload && pool.jumboSlots() > 0;
        this.fds = new int[queues];
        java.util.Arrays.fill(fds, -1);
        boolean threads = mode == RxMode.READER_THREADS;
        this.eventFds = new int[threads ? 0 : queues];
        java.util.Arrays.fill(eventFds, -1);
        this.name = attachAll(device, requested);
        this.drops = new DropCounters("tap:" + name);
        this.stats = new Counters("tap:" + name, STATS);
        this.readers = new TapReader[queues];
        for (int q = 0; q < queues; q++) readers[q] = new TapReader(this, q, fds[q], clock, threads);
        this.rx = new SpscAtomicArrayQueue[threads ? queues : 0];
        this.readerThreads = new Thread[threads ? queues : 0];
        this.waits = new TapWait[threads ? 0 : queues];
        for (int q = 0; q < waits.length; q++) waits[q] = new TapWait(readers[q], fds[q], eventFds[q]);
        for (int q = 0; q < rx.length; q++) {
            rx[q] = new SpscAtomicArrayQueue<>(rxCapacity);
            readers[q].feed(rx[q]);
            readerThreads[q] = Thread.ofPlatform().daemon().name("tap-" + name + "-rx" + q).unstarted(readers[q]);
            readerThreads[q].start();
        }
    }

    /**
     * Opens one file per queue and attaches each to the interface; on failure closes what it opened.
     * A multi-queue TAP that is already served is refused first: the kernel refuses a second file only
     * for a single-queue TAP (EBUSY), and would let a second process of ours silently share the
     * interface's flows with the first.
     */
    private String attachAll(String device, String requested) {
        boolean multi = fds.length > 1;
        if (multi && !requested.contains("%")) refuseIfServed(requested);
        short flags = (short) (Tun.IFF_TAP | Tun.IFF_NO_PI | Tun.IFF_VNET_HDR | (multi ? Tun.IFF_MULTI_QUEUE : 0));
        MemorySegment errno = Libc.newErrnoState();
        String actual = requested;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(Tun.IFREQ_SIZE, 8);
            for (int q = 0; q < fds.length; q++) {
                // Non-blocking so a read after poll never parks the reader, and a batch ends at EAGAIN.
                int fd = Libc.open(errno, device, Libc.O_RDWR | Libc.O_CLOEXEC | Libc.O_NONBLOCK);
                if (fd < 0) throw TapException.forOpen(device, Libc.errno(errno));
                fds[q] = fd;
                // Later queues attach by the name the kernel gave the first, so "%d" names one interface.
                Tun.fillIfreq(ifreq, actual, flags);
                if (Libc.ioctl(errno, fd, Tun.TUNSETIFF, ifreq) < 0) {
                    throw TapException.forAttach(actual, Libc.errno(errno), multi);
                }
                actual = Tun.ifreqName(ifreq);
            }
            // The device's offloads are one setting for all its queues. Without TUN_F_CSUM the kernel
            // finishes every sum before handing a frame over, and marks nothing partial.
            int offloads = Tun.TUN_F_CSUM | (segmentation ? Tun.TUN_F_TSO4 : 0);
            if (checksumOffload && Libc.ioctlValue(errno, fds[0], Tun.TUNSETOFFLOAD, offloads) < 0) {
                throw TapException.forAttach(actual, Libc.errno(errno), multi);
            }
            for (int q = 0; q < eventFds.length; q++) {
                int efd = Libc.eventfd(errno, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
                if (efd < 0) throw TapException.forOpen("eventfd", Libc.errno(errno));
                eventFds[q] = efd;
            }
            return actual;
        } catch (RuntimeException e) {
            closeFds(errno);
            throw e;
        }
    }

    /**
     * A TAP that is not persistent exists only while some file serves it, so finding one is finding
     * another server. A persistent one may be idle: there, servers that are ours take an exclusive lock
     * on a file named after the interface for as long as they serve it.
     */
    private void refuseIfServed(String name) {
        java.nio.file.Path flagsFile = java.nio.file.Path.of(Tun.sysfsFlags(name));
        if (!java.nio.file.Files.exists(flagsFile)) return;  // no such interface yet: we create it
        int flags;
        try {
            flags = Integer.decode(java.nio.file.Files.readString(flagsFile).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            return;  // unreadable: let TUNSETIFF decide
        }
        if ((flags & Tun.IFF_MULTI_QUEUE) == 0) return;  // single-queue: TUNSETIFF refuses a second file itself
        if ((flags & Tun.IFF_PERSIST) == 0) throw TapException.served(name, "the interface exists and is not persistent");
        lock = ServeLock.acquire(name);
        if (lock == null) throw TapException.served(name, "another flexnet holds its lock");
    }

    /** The interface's name as the kernel knows it. */
    @Override
    public String name() { return name; }

    @Override
    public PacketPool pool() { return pool; }

    @Override
    public int rxQueues() { return fds.length; }

    @Override
    public int txQueues() { return fds.length; }

    /** Frames receive queue {@code queue} holds before it counts {@code queue-full} (reader threads only). */
    public int rxCapacity(int queue) {
        if (mode != RxMode.READER_THREADS) throw new IllegalStateException(name + ": workers read it, no queue between");
        return rx[queue].capacity();
    }

    public RxMode rxMode() { return mode; }

    /** With checksum offload the kernel completes the sums we leave partial. */
    @Override
    public boolean fillsChecksums() { return checksumOffload; }

    /** 64 KiB with segmentation offload (see the class comment), else 0. */
    @Override
    public int gsoMaxBytes() { return segmentation ? 0xFFFF : 0; }

    @Override
    public boolean rxPending(int queue) {
        return mode == RxMode.WORKER ? readers[queue].pending() : !rx[queue].isEmpty();
    }

    /** WORKER mode: the poll(2) on queue {@code queue}'s file that its polling worker sleeps in. */
    @Override
    public KernelWait rxWait(int queue) { return mode == RxMode.WORKER ? waits[queue] : null; }

    @Override
    public int receive(int queue, Packet[] out, int max) {
        int limit = Math.min(max, out.length);
        if (mode == RxMode.WORKER) {
            if (!open) return 0;
            int n = readers[queue].read(out, limit);
            for (int i = 0; i < n; i++) received(out[i].length);
            return n;
        }
        final SpscAtomicArrayQueue<Packet> q = rx[queue];
        int n = 0;
        while (n < limit) {
            Packet p = q.relaxedPoll();
            if (p == null) break;
            out[n++] = p;
        }
        return n;
    }

    @Override
    public boolean transmit(int queue, Packet p) {
        if (queue < 0 || queue >= fds.length) {
            drops.drop(p, DropReason.SELECTOR_RANGE);
            return false;
        }
        if (!open) {
            drops.drop(p, DropReason.SHUTDOWN);
            return false;
        }
        final int len = p.length;
        final TxState tx = TX.get();
        if (p.gsoSize > 0 && segmentation) {
            int l4 = p.l4Offset - p.offset;
            int tcpHeader = (p.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, p.l4Offset + 12) & 0xF0) >>> 2;
            VirtioNetHdr.tcpSegments(tx.hdr, l4 + tcpHeader, p.gsoSize, l4, p.csumOffset);
            stats.inc(TSO_FRAMES);
        } else if (p.csumVerdict == Packet.CSUM_PARTIAL) {
            VirtioNetHdr.needsChecksum(tx.hdr, p.l4Offset - p.offset, p.csumOffset);
        } else {
            VirtioNetHdr.clear(tx.hdr);
        }
        final MemorySegment iov = tx.iov;
        final long frame = Libc.IOVEC.byteSize();
        iov.set(java.lang.foreign.ValueLayout.JAVA_LONG, frame + Libc.IOVEC_BASE, p.segment().address() + p.offset);
        iov.set(java.lang.foreign.ValueLayout.JAVA_LONG, frame + Libc.IOVEC_LEN, (long) len);
        long n = Libc.writev(tx.errno, fds[queue], iov, 2) - VirtioNetHdr.SIZE;
        if (n != len) return transmitFailed(p, n, tx.errno);
        stats.inc(TX_FRAMES);
        stats.add(TX_BYTES, len);
        p.release();
        return true;
    }

    private boolean transmitFailed(Packet p, long n, MemorySegment errno) {
        int e = n < -VirtioNetHdr.SIZE ? Libc.errno(errno) : Libc.EIO;  // a TAP write is whole or nothing; short is an error
        lastErrno = e;
        drops.drop(p, e == Libc.EAGAIN || e == Libc.ENOBUFS ? DropReason.TX_FULL : DropReason.TX_ERROR);
        return false;
    }

    @Override
    public void setRxListener(RxListener listener) { this.listener = listener; }

    @Override
    public DropCounters drops() { return drops; }

    /**
     * rx-frames, rx-bytes (frames received), tx-frames, tx-bytes, io-errors, listener-faults, gso-frames
     * (TCP super frames received whole), tso-frames (super frames sent for the kernel to cut).
     */
    public Counters stats() { return stats; }

    /** errno of the last failed read, write or poll, 0 if none; for diagnosis. */
    public int lastErrno() { return lastErrno; }

    public boolean isOpen() { return open; }

    /**
     * Stops the reader threads, closes the files (which removes a non-persistent interface) and drops
     * frames still queued for receive as {@code shutdown}. Transmitting or receiving concurrently with
     * close is not allowed: in {@link RxMode#WORKER} stop the workers first. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (!open) return;
        open = false;
        for (TapWait w : waits) w.wake();
        boolean stopped = true;
        for (Thread t : readerThreads) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped &= !t.isAlive();
        }
        // A reader still inside read(2) would read a file number the JVM may already have reused.
        // Never seen, since poll returns within POLL_MILLIS; leak the files rather than risk it.
        if (stopped) closeFds(Libc.newErrnoState());
        if (stopped) for (TapReader r : readers) r.releaseSpare();
        if (lock != null) lock.release();
        for (SpscAtomicArrayQueue<Packet> q : rx) {
            for (Packet p = q.poll(); p != null; p = q.poll()) drops.drop(p, DropReason.SHUTDOWN);
        }
        if (!stopped) throw new IllegalStateException("TAP " + name + ": a reader thread did not stop within "
                + JOIN_MILLIS + " ms; its files were left open");
    }

    private void closeFds(MemorySegment errno) {
        for (int q = 0; q < fds.length; q++) {
            if (fds[q] >= 0) Libc.close(errno, fds[q]);
            fds[q] = -1;
        }
        for (int q = 0; q < eventFds.length; q++) {
            if (eventFds[q] >= 0) Libc.close(errno, eventFds[q]);
            eventFds[q] = -1;
        }
    }

    // Called by the reader threads.

    void received(long bytes) {
        stats.inc(RX_FRAMES);
        stats.add(RX_BYTES, bytes);
    }

    /** A segmentation super frame arrived: counted, then taken whole or dropped by the reader. */
    void gsoFrame(int gsoType, int gsoSize) { stats.inc(GSO_FRAMES); }

    void readError(int errno) {
        lastErrno = errno;
        stats.inc(IO_ERRORS);
    }

    /** A reader found the interface gone; the first report wins and the listener hears it once. */
    void deviceGone(int errno) {
        synchronized (this) {
            if (failure != null || !open) return;
            failure = "TAP " + name + " went away under us (" + TapException.describe(errno) + "): it was deleted"
                    + " or its driver unloaded";
        }
        Runnable l = failureListener;
        if (l != null) l.run();
    }

    /** Why the interface stopped working (it was deleted), or null while it works. */
    public String failure() { return failure; }

    /**
     * Runs {@code listener} (on a reader thread, once) when the interface stops working under the
     * driver: a server should then say so and stop, not sit deaf counting errors.
     */
    public void onFailure(Runnable listener) {
        this.failureListener = listener;
        if (failure != null && listener != null) listener.run();
    }

    void signal(int queue) {
        RxListener l = listener;
        if (l == null) return;
        try {
            l.rxReady(queue);
        } catch (RuntimeException e) {
            // A faulty listener must not stop reception; it is counted, and the frames stay queued.
            stats.inc(LISTENER_FAULTS);
        }
    }

    @Override
    public String toString() {
        return "TapNic[" + name + " queues=" + fds.length + " " + mode + (checksumOffload ? " csum-offload" : "")
                + (segmentation ? " tso" : "")
                + (open ? "" : " closed") + "]";
    }
}
