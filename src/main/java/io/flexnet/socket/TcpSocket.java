package io.flexnet.socket;

import io.flexnet.packet.Counters;
import io.flexnet.packet.Ip4;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.proto.tcp.TcpState;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A TCP stream socket: connect, read, write, shutdown, close, as with the BSD API, over one
 * {@link StreamConnection}. Made by {@link TcpSockets#open} (to connect) or handed out by
 * {@link TcpListenSocket#accept}.
 *
 * <pre>{@code
 * TcpSocket s = tcp.open();
 * s.connect(Ip4.parse("198.18.0.1"), 5001);          // blocks until established (or throws)
 * s.write(request, 0, request.length);               // blocks until every byte is in the send buffer
 * int n = s.read(buf, 0, buf.length);                // blocks until bytes arrive; -1 at end of stream
 * s.close();
 * }</pre>
 *
 * <p><b>Waiting</b> is the socket's {@link RecvMode}, for reads, writes, connects alike. Blocking
 * parks the thread through the runtime until the connection's notifier says it changed;
 * non-blocking returns at once (0 bytes, or false from connect); busy polling spins for the socket's
 * budget before it parks. The buffers are the connection's and bounded: a blocking write that finds
 * the send buffer full waits for room (back-pressure reaches the writer), and a reader that leaves
 * bytes unread shrinks the window the peer may fill.
 *
 * <p>A reset or time-out surfaces as {@link TcpException} from the call that meets it; using a socket
 * after {@link #close} is an {@link IllegalStateException}, and so is the end of a wait another thread
 * closed the socket under.
 */
public final class TcpSocket implements AutoCloseable {
    /** {@link #read} at end of stream: the peer sent FIN and every byte before it was read. */
    public static final int EOF = -1;

    private static final int READ_BYTES = 0, WRITTEN_BYTES = 1, READ_WAITS = 2, WRITE_WAITS = 3;

    private final TcpSockets sockets;
    private final int id;
    private final Waiters waiters;
    private final Counters counters;
    private final BooleanSupplier canRead, canWrite, settled;
    private final StreamConnection.Notifier notifier;
    private volatile StreamConnection conn;
    private volatile RecvMode mode = RecvMode.BLOCKING;
    private volatile long busyPollNanos = Sockets.DEFAULT_BUSY_POLL_NANOS;
    private volatile ReadyMark ready;
    private volatile boolean closed;
    /** Seen established once: a later CLOSED is an ending, not a failed open. */
    private volatile boolean established;
    private volatile SocketOwner owner = SocketOwner.process();
    private volatile NotificationQueue notifications;
    private volatile int notificationIndex;
    /** Admitted to its port (released on close). */
    private volatile boolean admitted;
    private static final byte[] PROBE = new byte[1];

    TcpSocket(TcpSockets sockets, int id, RecvMode mode, long busyPollNanos) {
        this.sockets = sockets;
        this.id = id;
        this.mode = mode;
        this.busyPollNanos = busyPollNanos;
        this.waiters = new Waiters(sockets.runtime());
        this.counters = new Counters("tcp-socket." + id, "read-bytes", "written-bytes", "read-waits", "write-waits");
        // Conditions made once, so a wait allocates nothing. Each holds also when waiting is over for
        // good (reset, closed), so the call that follows meets the error instead of sleeping on.
        this.canRead = () -> {
            StreamConnection c = conn;
            return closed || c.readable() > 0 || c.eof() || c.state() == TcpState.CLOSED;
        };
        this.canWrite = () -> {
            StreamConnection c = conn;
            return closed || c.writable() > 0 || !sending(c.state());
        };
        this.settled = () -> {
            TcpState s = conn.state();
            return closed || s != TcpState.SYN_SENT && s != TcpState.SYN_RECEIVED;
        };
        this.notifier = (c, events) -> {
            if ((events & StreamConnection.ESTABLISHED) != 0) established = true;
            changed();
            NotificationQueue q = notifications;
            if (q != null) {
                int ev = ((events & StreamConnection.READABLE) != 0 ? NotificationQueue.READABLE : 0)
                        | ((events & StreamConnection.WRITABLE) != 0 ? NotificationQueue.WRITABLE : 0);
                if (ev != 0) q.ready(notificationIndex, ev);
            }
        };
    }

    /** An accepted connection, or the one {@link #connect} opened. */
    void attach(StreamConnection c, boolean accepted) {
        if (accepted) admitted = true;  // the listener's group admitted it
        established = accepted;
        conn = c;
        c.notifier(notifier);
    }

    private void changed() {
        waiters.wakeAll();
        ReadyMark m = ready;
        if (m != null) m.signal();
    }

    void poller(ReadyMark m) {
        if (ready != null) throw new IllegalStateException("socket " + id + " is registered with a poller already");
        ready = m;
        m.signal();  // whatever it holds now is news to the poller
    }

    // ---- options ----

    public TcpSocket mode(RecvMode m) {
        mode = Objects.requireNonNull(m);
        return this;
    }

    public RecvMode mode() { return mode; }

    /** How long {@link RecvMode#BUSY_POLL} spins before it parks. */
    public TcpSocket busyPollNanos(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("busy-poll budget must be >= 0");
        busyPollNanos = nanos;
        return this;
    }

    /** TCP_NODELAY: send small writes at once instead of waiting for the ACK of what is in flight (Nagle). */
    public TcpSocket noDelay(boolean on) {
        connection().noDelay(on);
        return this;
    }

    /**
     * Reports this socket's readiness to {@code q} under {@code token} (Norman §4.3, epoll-like): readable
     * when data or the end of the stream came, writable when room opened in the send buffer. What is
     * ready now is reported at once.
     */
    public TcpSocket notifyTo(NotificationQueue q, long token) {
        StreamConnection c = connection();
        notificationIndex = q.register(token);
        notifications = q;
        int now = (c.readable() > 0 || c.eof() ? NotificationQueue.READABLE : 0)
                | (c.writable() > 0 ? NotificationQueue.WRITABLE : 0);
        if (now != 0) q.ready(notificationIndex, now);
        return this;
    }

    /** Declares who opens this socket (before {@link #connect}): its tenant's limits and owner rules apply. */
    public TcpSocket owner(SocketOwner o) {
        if (conn != null) throw new IllegalStateException("the owner must be set before connect");
        owner = Objects.requireNonNull(o);
        return this;
    }

    public SocketOwner owner() { return owner; }

    /**
     * SO_KEEPALIVE on the connection, with the stack's idle time, interval and probe count; an idle
     * peer that stops answering is dropped and the next read throws {@link TcpException} "timed out".
     */
    public TcpSocket keepAlive(boolean on) {
        connection().keepAlive(on);
        return this;
    }

    /** SO_KEEPALIVE with this socket's own TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT. */
    public TcpSocket keepAlive(long idleNanos, long intervalNanos, int probes) {
        connection().keepAlive(idleNanos, intervalNanos, probes);
        return this;
    }

    // ---- connect ----

    /** Connects with no time limit; see {@link #connect(int, int, long)}. */
    public boolean connect(int ip, int port) { return connect(ip, port, -1); }

    /**
     * Opens a connection to {@code ip:port} from an ephemeral port. Blocking and busy-poll sockets
     * wait until it is established and return true, or return false when {@code timeoutNanos} passed
     * first (negative: no limit); a non-blocking one returns false at once, and {@link #connected()}
     * says later. A refused or timed-out open throws {@link TcpException}.
     */
    public boolean connect(int ip, int port, long timeoutNanos) {
        checkOpen();
        if (conn != null) throw new IllegalStateException("socket " + id + " is connected already");
        if (ip == 0 || port < 1 || port > 0xFFFF) throw new IllegalArgumentException("bad destination " + Ip4.format(ip) + ":" + port);
        StreamConnection c = sockets.transport().connect(ip, port);
        try {
            sockets.admission().admit(Admission.TCP, c.localPort(), this, owner, 0, c.bufferBytes());
        } catch (RuntimeException e) {
            c.abort();  // refused by its owner's limits: the SYN is answered by nobody
            throw e;
        }
        admitted = true;
        attach(c, false);
        if (mode == RecvMode.NON_BLOCKING) return connected();
        waiters.await(settled, timeoutNanos, spinBudget());
        checkOpen();
        return connected();
    }

    /**
     * True once the connection was established (and after, whatever came since); false while the open
     * is under way.
     *
     * @throws TcpException when the open failed (refused, timed out)
     */
    public boolean connected() {
        StreamConnection c = connection();
        if (established) return true;
        TcpState s = c.state();
        if (s == TcpState.CLOSED) {
            c.read(PROBE, 0, 1);  // throws the connection's own reason when it has one
            throw new TcpException("connection to " + Ip4.format(c.remoteIp()) + ":" + c.remotePort()
                    + " closed before it was established");
        }
        if (s == TcpState.SYN_SENT || s == TcpState.SYN_RECEIVED) return false;
        established = true;
        return true;
    }

    // ---- read ----

    /** Reads into {@code buf[off, off+len)} as the socket's mode says, with no time limit. */
    public int read(byte[] buf, int off, int len) { return read(buf, off, len, -1); }

    /**
     * Reads up to {@code len} bytes: how many, {@link #EOF} at end of stream, or 0 when none came within
     * {@code timeoutNanos} (negative: no limit) or the socket is non-blocking.
     */
    public int read(byte[] buf, int off, int len, long timeoutNanos) {
        Objects.checkFromIndexSize(off, len, buf.length);
        final StreamConnection c = connection();
        if (len == 0) return 0;
        for (boolean waited = false; ; waited = true) {
            int n = c.read(buf, off, len);
            if (n != 0) return counted(n);
            if (waited && c.state() == TcpState.CLOSED && !c.eof()) throw new TcpException("connection closed");
            if (!waitFor(canRead, timeoutNanos, READ_WAITS)) return 0;
        }
    }

    /** As {@link #read(byte[], int, int, long)} into {@code dst[off, off+len)}. */
    public int read(MemorySegment dst, long off, int len, long timeoutNanos) {
        Objects.checkFromIndexSize(off, len, dst.byteSize());
        final StreamConnection c = connection();
        if (len == 0) return 0;
        for (boolean waited = false; ; waited = true) {
            int n = c.read(dst, off, len);
            if (n != 0) return counted(n);
            if (waited && c.state() == TcpState.CLOSED && !c.eof()) throw new TcpException("connection closed");
            if (!waitFor(canRead, timeoutNanos, READ_WAITS)) return 0;
        }
    }

    private int counted(int n) {
        if (n > 0) counters.add(READ_BYTES, n);
        return n;
    }

    // ---- write ----

    /** Writes all of {@code buf[off, off+len)} as the socket's mode says, with no time limit. */
    public int write(byte[] buf, int off, int len) { return write(buf, off, len, -1); }

    /**
     * Writes {@code buf[off, off+len)} into the send buffer: blocking and busy-poll sockets wait for
     * room until every byte is in or {@code timeoutNanos} passed (negative: no limit); a non-blocking
     * one takes what fits now. Returns the bytes taken.
     *
     * @throws TcpException when the connection was reset, or the socket shut down for output
     */
    public int write(byte[] buf, int off, int len, long timeoutNanos) {
        Objects.checkFromIndexSize(off, len, buf.length);
        final StreamConnection c = connection();
        int done = 0;
        while (done < len) {
            int n = c.write(buf, off + done, len - done);
            done += n;
            if (done == len) break;
            if (n == 0 && !waitFor(canWrite, timeoutNanos, WRITE_WAITS)) break;
        }
        counters.add(WRITTEN_BYTES, done);
        return done;
    }

    /** As {@link #write(byte[], int, int, long)} from {@code src[off, off+len)}. */
    public int write(MemorySegment src, long off, int len, long timeoutNanos) {
        Objects.checkFromIndexSize(off, len, src.byteSize());
        final StreamConnection c = connection();
        int done = 0;
        while (done < len) {
            int n = c.write(src, off + done, len - done);
            done += n;
            if (done == len) break;
            if (n == 0 && !waitFor(canWrite, timeoutNanos, WRITE_WAITS)) break;
        }
        counters.add(WRITTEN_BYTES, done);
        return done;
    }

    /**
     * Waits as the mode says; false when the caller should return what it has. A timed wait's limit
     * applies to each wait, not to the call: a trickle of progress keeps a write going.
     */
    private boolean waitFor(BooleanSupplier cond, long timeoutNanos, int counter) {
        if (mode == RecvMode.NON_BLOCKING || timeoutNanos == 0) return false;
        counters.inc(counter);
        boolean ready = waiters.await(cond, timeoutNanos, spinBudget());
        if (closed) throw new IllegalStateException("socket " + id + " was closed while waiting");
        return ready;
    }

    private long spinBudget() { return mode == RecvMode.BUSY_POLL ? busyPollNanos : 0; }

    private static boolean sending(TcpState s) {
        return s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT || s == TcpState.SYN_SENT
                || s == TcpState.SYN_RECEIVED;
    }

    // ---- shutdown and close ----

    /** Half-close: FIN after the bytes written; reading goes on. */
    public void shutdownOutput() { connection().shutdownOutput(); }

    /**
     * Graceful close: FIN after the bytes written; the connection finishes in the stack (FIN_WAIT,
     * TIME_WAIT) while the socket is gone. Wakes any thread blocked in it. Idempotent.
     */
    @Override
    public void close() { finish(false); }

    /** Abortive close (SO_LINGER 0): RST now, buffered bytes dropped. */
    public void abort() { finish(true); }

    private void finish(boolean abort) {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        StreamConnection c = conn;
        if (c != null) {
            if (abort) c.abort();
            else c.close();
            if (admitted) sockets.admission().release(Admission.TCP, c.localPort(), this);
        }
        ReadyMark m = ready;
        if (m != null) m.poller.deregister();
        waiters.wakeAll();
    }

    private StreamConnection connection() {
        checkOpen();
        StreamConnection c = conn;
        if (c == null) throw new IllegalStateException("socket " + id + " is not connected");
        return c;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("socket " + id + " is closed");
    }

    // ---- what it is ----

    public int id() { return id; }
    public boolean isClosed() { return closed; }
    /** The connection's state, or CLOSED before connect. */
    public TcpState state() {
        StreamConnection c = conn;
        return c == null ? TcpState.CLOSED : c.state();
    }
    /** The peer's FIN was read up to. */
    public boolean eof() {
        StreamConnection c = conn;
        return c != null && c.eof();
    }
    /** Bytes waiting to be read now. */
    public int readable() { return connection().readable(); }
    /** Room in the send buffer now. */
    public int writable() { return connection().writable(); }
    public int localIp() { return connection().localIp(); }
    public int localPort() { return connection().localPort(); }
    public int remoteIp() { return connection().remoteIp(); }
    public int remotePort() { return connection().remotePort(); }
    public long bytesRead() { return counters.get(READ_BYTES); }
    public long bytesWritten() { return counters.get(WRITTEN_BYTES); }
    /** Times a read found nothing and waited. */
    public long readWaits() { return counters.get(READ_WAITS); }
    /** Times a write found the send buffer full and waited: back-pressure felt. */
    public long writeWaits() { return counters.get(WRITE_WAITS); }
    /** Threads blocked in this socket now. */
    public int sleepers() { return waiters.waiting(); }
    /** The connection underneath, or null before connect. */
    public StreamConnection connectionOrNull() { return conn; }

    @Override
    public String toString() {
        StreamConnection c = conn;
        if (c == null) return "tcp socket " + id + (closed ? " closed" : " unconnected");
        return "tcp socket " + id + " " + Ip4.format(c.localIp()) + ":" + c.localPort() + " -> "
                + Ip4.format(c.remoteIp()) + ":" + c.remotePort() + " " + c.state();
    }
}
