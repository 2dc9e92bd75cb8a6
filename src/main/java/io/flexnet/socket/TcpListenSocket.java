package io.flexnet.socket;

import io.flexnet.packet.Counters;
import io.flexnet.proto.tcp.StreamConnection;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * A listening TCP socket: listen, accept, close, as with the BSD API. Made by
 * {@link TcpSockets#openListener}.
 *
 * <pre>{@code
 * TcpListenSocket l = tcp.openListener().reusePort(true).listen(7, 128);
 * for (;;) {
 *     TcpSocket c = l.accept();                   // blocks until a connection is established
 *     pool.submit(() -> echo(c));
 * }
 * }</pre>
 *
 * <p>Each socket has its own accept queue of {@code backlog} established connections. Several sockets
 * with {@link #reusePort} share a port in a {@link TcpPortGroup} (SO_REUSEPORT), which places each new
 * connection in one member's queue. A connection that finds the chosen queue full is reset and
 * counted ({@code queue-full} at the group), as Linux drops the handshake's last ACK when the accept
 * queue overflows.
 *
 * <p>{@link #accept} waits as the socket's {@link RecvMode} says; an accepted socket starts in the
 * listener's mode.
 */
public final class TcpListenSocket implements AutoCloseable {
    private static final int ACCEPTED = 0, QUEUED = 1, RESET_AT_CLOSE = 2;

    private final TcpSockets sockets;
    private final int id;
    private final Waiters waiters;
    private final Counters counters;
    private final BooleanSupplier pending;
    private volatile MpmcAtomicArrayQueue<StreamConnection> queue;
    private volatile TcpPortGroup group;
    private volatile boolean reusePort;
    private volatile SocketOwner owner = SocketOwner.process();
    private volatile RecvMode mode = RecvMode.BLOCKING;
    private volatile long busyPollNanos = Sockets.DEFAULT_BUSY_POLL_NANOS;
    private volatile ReadyMark ready;
    private volatile boolean closed;

    TcpListenSocket(TcpSockets sockets, int id) {
        this.sockets = sockets;
        this.id = id;
        this.waiters = new Waiters(sockets.runtime());
        this.counters = new Counters("tcp-listen." + id, "accepted", "queued", "reset-at-close");
        this.pending = () -> closed || !queue.isEmpty();
    }

    // ---- options ----

    /** Allows listening on a port other reuse-port sockets listen on (before {@link #listen}). */
    public TcpListenSocket reusePort(boolean on) {
        if (group != null) throw new IllegalStateException("reusePort must be set before listen");
        reusePort = on;
        return this;
    }

    public boolean reusePort() { return reusePort; }

    /** Declares who opens this socket (before {@link #listen}); its accepted connections are the same owner's. */
    public TcpListenSocket owner(SocketOwner o) {
        if (group != null) throw new IllegalStateException("the owner must be set before listen");
        owner = Objects.requireNonNull(o);
        return this;
    }

    public SocketOwner owner() { return owner; }

    public TcpListenSocket mode(RecvMode m) {
        mode = Objects.requireNonNull(m);
        return this;
    }

    public RecvMode mode() { return mode; }

    public TcpListenSocket busyPollNanos(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("busy-poll budget must be >= 0");
        busyPollNanos = nanos;
        return this;
    }

    // ---- listen and accept ----

    /**
     * Listens on {@code port} with an accept queue of {@code backlog} connections. Fails if the port is
     * taken, unless every socket on it set {@link #reusePort}.
     */
    public TcpListenSocket listen(int port, int backlog) {
        checkOpen();
        if (group != null) throw new IllegalStateException("socket " + id + " listens on port " + group.port() + " already");
        if (port < 1 || port > 0xFFFF) throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
        if (backlog < 1 || backlog > 1 << 16) throw new IllegalArgumentException("backlog must be in [1, 65536], got " + backlog);
        queue = new MpmcAtomicArrayQueue<>(Math.max(2, backlog));  // before joining: the group may place at once
        try {
            group = sockets.bind(this, port, backlog);
        } catch (RuntimeException e) {
            queue = null;
            throw e;
        }
        return this;
    }

    /** The next connection with no time limit; see {@link #accept(long)}. */
    public TcpSocket accept() { return accept(-1); }

    /**
     * The next established connection as a socket, or null when none came within {@code timeoutNanos}
     * (negative: no limit), the socket is non-blocking and none waits, or it was closed.
     */
    public TcpSocket accept(long timeoutNanos) {
        checkOpen();
        if (queue == null) throw new IllegalStateException("socket " + id + " is not listening");
        StreamConnection c = queue.poll();
        if (c == null) {
            if (mode == RecvMode.NON_BLOCKING || timeoutNanos == 0) return null;
            long spin = mode == RecvMode.BUSY_POLL ? busyPollNanos : 0;
            if (!waiters.await(pending, timeoutNanos, spin) || closed) return null;
            c = queue.poll();
            if (c == null) return null;  // another thread took it
        }
        counters.inc(ACCEPTED);
        return sockets.accepted(c, mode, busyPollNanos, owner);  // throws, the connection reset, when its owner's limits refuse it
    }

    /** From the port group, on the thread that completed the handshake: queue it, or refuse (the group resets it). */
    boolean offer(StreamConnection c) {
        if (closed || !queue.offer(c)) return false;
        counters.inc(QUEUED);
        waiters.wakeAll();
        ReadyMark m = ready;
        if (m != null) m.signal();
        return true;
    }

    void poller(ReadyMark m) {
        if (ready != null) throw new IllegalStateException("socket " + id + " is registered with a poller already");
        ready = m;
        m.signal();
    }

    /** Stops listening: leaves the port group, resets connections not accepted, wakes blocked accepts. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        TcpPortGroup g = group;
        if (g != null) sockets.unbind(this, g);
        waiters.wakeAll();
        MpmcAtomicArrayQueue<StreamConnection> q = queue;
        if (q != null) {
            for (StreamConnection c; (c = q.poll()) != null; ) {
                c.abort();
                counters.inc(RESET_AT_CLOSE);
            }
        }
        ReadyMark m = ready;
        if (m != null) m.poller.deregister();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("socket " + id + " is closed");
    }

    public int id() { return id; }
    public boolean isClosed() { return closed; }
    /** The port listened on, or 0. */
    public int localPort() {
        TcpPortGroup g = group;
        return g == null ? 0 : g.port();
    }
    public TcpPortGroup group() { return group; }
    /** Position in its port group: the index a socket-choice policy returns for it; -1 when not listening. */
    public int groupIndex() {
        TcpPortGroup g = group;
        return g == null ? -1 : g.indexOf(this);
    }
    /** Connections waiting to be accepted. */
    public int queued() {
        MpmcAtomicArrayQueue<StreamConnection> q = queue;
        return q == null ? 0 : q.size();
    }
    public long accepted() { return counters.get(ACCEPTED); }
    /** Connections placed in this socket's accept queue. */
    public long placed() { return counters.get(QUEUED); }
    /** Connections reset because this socket closed before accepting them. */
    public long resetAtClose() { return counters.get(RESET_AT_CLOSE); }
    public int sleepers() { return waiters.waiting(); }

    @Override
    public String toString() { return "tcp listen socket " + id + " :" + localPort() + (closed ? " closed" : ""); }
}
