package io.flexnet.socket;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.proto.SocketSend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A UDP socket on the stack: bind, connect, send, receive, as with the BSD API, without allocating per
 * datagram. Made by {@link Sockets#open}.
 *
 * <pre>{@code
 * UdpSocket s = sockets.open();
 * s.bind(9000);
 * byte[] buf = new byte[2048];
 * Peer from = new Peer();
 * int n = s.receive(buf, 0, buf.length, from);        // sleeps until a datagram arrives
 * s.sendTo(buf, 0, n, from.ip, from.port);             // echo
 * }</pre>
 *
 * <p><b>Receive</b> copies the payload out of the slot, fills the sender's address and releases the
 * slot. How it waits is the socket's {@link RecvMode}. The receive queue is bounded; a datagram that
 * finds it full is refused, and {@code socket_rcv} counts it {@code socket-full} and frees its slot.
 *
 * <p><b>Send</b> copies the payload into a pooled slot (with headroom for the headers) and hands it to
 * the socket's transmit path: the stack's send layers on this thread, or a pipeline that runs
 * {@code socket_send} here and parks the rest for a stack core (the paper's Listing 4). When the pool is
 * empty the send fails with {@link #WOULD_BLOCK} ({@code ENOBUFS}), counted {@code pool-empty}.
 *
 * <p>{@link #reusePort(boolean)} before binding lets several sockets share a port in a
 * {@link PortGroup} (SO_REUSEPORT). {@code connect} sets the default destination; it does not filter
 * what is received.
 */
public final class UdpSocket implements AutoCloseable, WakeSource {
    /** Nothing to receive (non-blocking, or the timeout passed), or no slot to send from. */
    public static final int WOULD_BLOCK = -1;
    /** The socket was closed, possibly while a receiver slept. */
    public static final int CLOSED = -2;

    private static final int RECEIVED = 0, SENT = 1, RCV_FULL = 2;

    private final Sockets sockets;
    private final int id;
    private final ReceiveQueue queue;
    private final Counters counters;
    private final DropCounters drops;
    private volatile PortGroup group;
    private volatile int localPort;
    private volatile int remoteIp, remotePort;
    private volatile boolean reusePort;
    private volatile RecvMode mode = RecvMode.BLOCKING;
    private volatile long busyPollNanos = Sockets.DEFAULT_BUSY_POLL_NANOS;
    private volatile boolean closed;
    private volatile SocketOwner owner = SocketOwner.process();

    UdpSocket(Sockets sockets, int id, int receiveQueue) {
        this.sockets = sockets;
        this.id = id;
        this.queue = new ReceiveQueue(receiveQueue, sockets.runtime());
        this.counters = new Counters("socket." + id, "received", "sent", "rcv-full");
        this.drops = new DropCounters("socket." + id);
    }

    // ---- options ----

    /**
     * Reports this socket's datagrams to {@code q} under {@code token} (Norman §4.3): the application
     * waits on {@code q} for all its sockets, then reads the ones it names until {@code WOULD_BLOCK}.
     * Datagrams already queued are reported at once.
     */
    public UdpSocket notifyTo(NotificationQueue q, long token) {
        int index = q.register(token);
        queue.notifyTo(q, index);
        if (queue.depth() > 0) q.readable(index);
        return this;
    }

    /** Allows binding to a port other reuse-port sockets are bound to (before {@link #bind}). */
    public UdpSocket reusePort(boolean on) {
        if (group != null) throw new IllegalStateException("reusePort must be set before bind");
        reusePort = on;
        return this;
    }

    public boolean reusePort() { return reusePort; }

    /** Declares who opens this socket (before {@link #bind}): its tenant's limits and owner rules apply. */
    public UdpSocket owner(SocketOwner o) {
        if (group != null) throw new IllegalStateException("the owner must be set before bind");
        owner = java.util.Objects.requireNonNull(o);
        return this;
    }

    public SocketOwner owner() { return owner; }

    public UdpSocket mode(RecvMode m) {
        mode = Objects.requireNonNull(m);
        return this;
    }

    public RecvMode mode() { return mode; }

    /** How long {@link RecvMode#BUSY_POLL} spins before it sleeps. */
    public UdpSocket busyPollNanos(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("busy-poll budget must be >= 0");
        busyPollNanos = nanos;
        return this;
    }

    // ---- addressing ----

    /** Binds to {@code port}, or to a free ephemeral port for 0. Fails if the port is in use. */
    public UdpSocket bind(int port) {
        checkOpen();
        if (group != null) throw new IllegalStateException("already bound to port " + localPort);
        PortGroup g = sockets.bind(this, port);
        localPort = g.port();
        group = g;
        return this;
    }

    /** Sets the default destination of {@link #send}; binds to an ephemeral port first if unbound. */
    public UdpSocket connect(int ip, int port) {
        checkOpen();
        if (ip == 0 || port < 1 || port > 0xFFFF) throw new IllegalArgumentException("bad destination " + ip + ":" + port);
        if (group == null) bind(0);
        remoteIp = ip;
        remotePort = port;
        return this;
    }

    // ---- send ----

    /** Sends to the connected destination. */
    public int send(byte[] payload, int off, int len) {
        if (remotePort == 0) throw new IllegalStateException("not connected: use sendTo");
        return sendTo(payload, off, len, remoteIp, remotePort);
    }

    /**
     * Sends {@code len} bytes to {@code ip:port}: returns {@code len}, or {@link #WOULD_BLOCK} when no
     * slot is free. A payload larger than one datagram at the stack's MTU is refused with an exception
     * (the C API's {@code EMSGSIZE}).
     */
    public int sendTo(byte[] payload, int off, int len, int ip, int port) {
        Objects.checkFromIndexSize(off, len, payload.length);
        prepareSend(len, ip, port);
        Packet p = SocketSend.allocate(sockets.pool(), payload, off, len);
        return transmit(p, len, ip, port);
    }

    /** Sends the whole of {@code payload} to {@code ip:port}. */
    public int sendTo(MemorySegment payload, int ip, int port) {
        long len = payload.byteSize();
        prepareSend(len, ip, port);
        Packet p = SocketSend.allocate(sockets.pool(), payload);
        return transmit(p, (int) len, ip, port);
    }

    private void prepareSend(long len, int ip, int port) {
        checkOpen();
        if (len > sockets.maxPayload()) {
            throw new IllegalArgumentException("datagram of " + len + " bytes exceeds " + sockets.maxPayload());
        }
        if (ip == 0 || port < 1 || port > 0xFFFF) throw new IllegalArgumentException("bad destination " + ip + ":" + port);
        if (group == null) bind(0);
    }

    private int transmit(Packet p, int len, int ip, int port) {
        if (p == null) {
            drops.count(DropReason.POOL_EMPTY);
            return WOULD_BLOCK;
        }
        p.srcIp = 0;  // socket_send fills in the interface's address
        p.srcPort = localPort;
        p.dstIp = ip;
        p.dstPort = port;
        p.protocol = 17;
        counters.inc(SENT);
        sockets.tx().accept(p);  // takes ownership: transmitted, or dropped and counted by a layer
        return len;
    }

    // ---- receive ----

    /** Receives into {@code buf[off, off+len)} as the socket's mode says; no time limit. */
    public int receive(byte[] buf, int off, int len, Peer from) { return receive(buf, off, len, from, -1); }

    /**
     * Receives one datagram into {@code buf[off, off+len)}: returns the bytes copied (the rest of a
     * longer datagram is discarded, {@code from.length} says how long it was), {@link #WOULD_BLOCK}
     * when none came within {@code timeoutNanos} (negative: no limit) or the socket is non-blocking,
     * or {@link #CLOSED}.
     */
    public int receive(byte[] buf, int off, int len, Peer from, long timeoutNanos) {
        Objects.checkFromIndexSize(off, len, buf.length);
        Packet p = next(timeoutNanos);
        if (p == null) return queue.closed() ? CLOSED : WOULD_BLOCK;
        int n = Math.min(len, p.payloadLength);
        MemorySegment.copy(p.segment(), ValueLayout.JAVA_BYTE, p.payloadOffset, buf, off, n);
        return finish(p, from, n);
    }

    /** Receives one datagram into {@code dst} (up to its size); as the byte-array form. */
    public int receive(MemorySegment dst, Peer from, long timeoutNanos) {
        Packet p = next(timeoutNanos);
        if (p == null) return queue.closed() ? CLOSED : WOULD_BLOCK;
        int n = (int) Math.min(dst.byteSize(), p.payloadLength);
        MemorySegment.copy(p.segment(), p.payloadOffset, dst, 0, n);
        return finish(p, from, n);
    }

    private Packet next(long timeoutNanos) {
        switch (mode) {
            case NON_BLOCKING:
                return queue.poll();
            case BUSY_POLL: {
                long budget = busyPollNanos;
                if (timeoutNanos >= 0 && timeoutNanos < budget) return queue.spin(timeoutNanos);
                Packet p = queue.spin(budget);
                return p != null ? p : queue.take(timeoutNanos < 0 ? -1 : timeoutNanos - budget);
            }
            default:
                return queue.take(timeoutNanos);
        }
    }

    private int finish(Packet p, Peer from, int copied) {
        if (from != null) {
            from.ip = p.srcIp;
            from.port = p.srcPort;
            from.length = p.payloadLength;
        }
        p.release();
        counters.inc(RECEIVED);
        return copied;
    }

    /** Called by the port group on a stack worker: queue it, or refuse (the caller drops it). */
    boolean deliver(Packet p) {
        if (queue.offer(p)) return true;
        counters.inc(RCV_FULL);
        return false;
    }

    // ---- life ----

    /** Unbinds, wakes sleeping receivers (they get {@link #CLOSED}) and frees queued datagrams. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        PortGroup g = group;
        if (g != null) sockets.unbind(this, g);
        queue.close();
        for (Packet p; (p = queue.poll()) != null; ) drops.drop(p, DropReason.SHUTDOWN);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("socket " + id + " is closed");
    }

    public int id() { return id; }
    public int localPort() { return localPort; }
    public int remoteIp() { return remoteIp; }
    public int remotePort() { return remotePort; }
    public boolean isClosed() { return closed; }
    /** The port group this socket is in, or null when unbound. */
    public PortGroup group() { return group; }
    /** Position in its port group: the index a socket-choice policy returns for it; -1 when unbound. */
    public int groupIndex() {
        PortGroup g = group;
        return g == null ? -1 : g.indexOf(this);
    }

    public int queued() { return queue.depth(); }

    /** A stack worker serving this socket (an executor over it) is kicked when a datagram arrives. */
    @Override public void addSleeper(CoroutineQueue.Sleeper s) { queue.addSleeper(s); }

    @Override public void removeSleeper(CoroutineQueue.Sleeper s) { queue.removeSleeper(s); }
    public int queueCapacity() { return queue.capacity(); }
    /** Receivers asleep in this socket now. */
    public int sleepers() { return queue.waiters(); }
    public long received() { return counters.get(RECEIVED); }
    public long sent() { return counters.get(SENT); }
    /** Datagrams refused because the receive queue was full (each counted socket-full where dropped). */
    public long receiveFull() { return counters.get(RCV_FULL); }
    /** This socket's own drops: shutdown (queued at close), pool-empty (sends with no slot). */
    public DropCounters drops() { return drops; }

    @Override
    public String toString() {
        return "udp socket " + id + " :" + localPort + " queued=" + queued() + " " + counters;
    }
}
