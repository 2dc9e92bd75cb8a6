package io.flexnet.socket;

import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.proto.tcp.TcpState;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One end of an in-memory stream: two bounded byte pipes between a pair of ends, with the states a
 * socket can see (established, half-closed, closed, reset). No segments, no windows: what the sockets'
 * waiting and back-pressure need, and nothing a protocol engine decides. Notifiers run on the thread
 * that made the change, outside the locks, as the stack's do.
 */
public final class FakeStream implements StreamConnection {
    /** One direction: a ring of bytes with an end. */
    static final class Pipe {
        final byte[] ring;
        int head, size;
        boolean fin;

        Pipe(int capacity) { ring = new byte[capacity]; }

        int room() { return ring.length - size; }
    }

    private final Pipe in, out;
    private final Object lock;
    private final int localIp, localPort, remoteIp, remotePort;
    FakeStream peer;
    private TcpState state;
    private String failure;
    private boolean eof;
    private volatile Notifier notifier;
    volatile boolean noDelay;
    /** What the socket asked of keepalive: on, idle, interval, probes (0 where the stack's default). */
    volatile long[] keepAlive = {0, 0, 0, 0};

    private FakeStream(Object lock, Pipe in, Pipe out, int localIp, int localPort, int remoteIp, int remotePort, TcpState state) {
        this.lock = lock;
        this.in = in;
        this.out = out;
        this.localIp = localIp;
        this.localPort = localPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.state = state;
    }

    /** A client end and a server end; each pipe holds {@code capacity} bytes. Both start in {@code state}. */
    static FakeStream[] pair(int clientIp, int clientPort, int serverIp, int serverPort, int capacity, TcpState state) {
        Pipe up = new Pipe(capacity), down = new Pipe(capacity);
        Object lock = new Object();
        FakeStream c = new FakeStream(lock, down, up, clientIp, clientPort, serverIp, serverPort, state);
        FakeStream s = new FakeStream(lock, up, down, serverIp, serverPort, clientIp, clientPort, state);
        c.peer = s;
        s.peer = c;
        return new FakeStream[] {c, s};
    }

    /** The handshake completed (for ends made in SYN_SENT). */
    void establish() {
        synchronized (shared()) {
            state = TcpState.ESTABLISHED;
        }
        fire(ESTABLISHED | WRITABLE);
    }

    /** The open failed: reset or timed out. */
    void fail(String why) {
        synchronized (shared()) {
            state = TcpState.CLOSED;
            failure = why;
        }
        fire(CLOSED);
    }

    /** One lock for both ends: a pair is one conversation, and the fake need not be fast. */
    private Object shared() { return lock; }

    @Override
    public int read(byte[] dst, int off, int len) {
        int n;
        synchronized (shared()) {
            check();
            if (in.size == 0) {
                if (in.fin) {
                    eof = true;
                    return -1;
                }
                return 0;
            }
            n = Math.min(len, in.size);
            for (int i = 0; i < n; i++) dst[off + i] = in.ring[(in.head + i) % in.ring.length];
            in.head = (in.head + n) % in.ring.length;
            in.size -= n;
        }
        if (n > 0) peer.fire(WRITABLE);
        return n;
    }

    @Override
    public int read(MemorySegment dst, long off, int len) {
        byte[] tmp = new byte[len];
        int n = read(tmp, 0, len);
        if (n > 0) MemorySegment.copy(tmp, 0, dst, ValueLayout.JAVA_BYTE, off, n);
        return n;
    }

    @Override
    public int write(byte[] src, int off, int len) {
        int n;
        synchronized (shared()) {
            check();
            if (out.fin) throw new TcpException("connection is shut down for output");
            n = Math.min(len, out.room());
            int tail = (out.head + out.size) % out.ring.length;
            for (int i = 0; i < n; i++) out.ring[(tail + i) % out.ring.length] = src[off + i];
            out.size += n;
        }
        if (n > 0) peer.fire(READABLE);
        return n;
    }

    @Override
    public int write(MemorySegment src, long off, int len) {
        byte[] tmp = new byte[len];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, off, tmp, 0, len);
        return write(tmp, 0, len);
    }

    private void check() {
        if (failure != null) throw new TcpException(failure);
    }

    @Override
    public int readable() {
        synchronized (shared()) {
            return in.size;
        }
    }

    @Override
    public int writable() {
        synchronized (shared()) {
            return out.fin || failure != null ? 0 : out.room();
        }
    }

    @Override
    public boolean eof() {
        synchronized (shared()) {
            return eof || (in.fin && in.size == 0);
        }
    }

    @Override
    public void shutdownOutput() {
        synchronized (shared()) {
            if (out.fin || failure != null) return;
            out.fin = true;
            state = state == TcpState.CLOSE_WAIT ? TcpState.LAST_ACK : TcpState.FIN_WAIT_2;
            peer.state = peer.state == TcpState.FIN_WAIT_2 ? TcpState.TIME_WAIT : TcpState.CLOSE_WAIT;
        }
        peer.fire(READABLE);
        fire(WRITABLE);
    }

    @Override
    public void close() { shutdownOutput(); }

    @Override
    public void abort() {
        synchronized (shared()) {
            if (state == TcpState.CLOSED) return;
            state = TcpState.CLOSED;
            if (peer.state != TcpState.CLOSED) {
                peer.state = TcpState.CLOSED;
                peer.failure = "connection reset by peer";
            }
        }
        peer.fire(CLOSED | READABLE | WRITABLE);
        fire(CLOSED);
    }

    @Override
    public TcpState state() {
        synchronized (shared()) {
            return state;
        }
    }

    @Override public int localIp() { return localIp; }
    @Override public int localPort() { return localPort; }
    @Override public int remoteIp() { return remoteIp; }
    @Override public int remotePort() { return remotePort; }
    private Object attachment;
    @Override public Object attachment() { return attachment; }
    @Override public void attach(Object o) { attachment = o; }
    @Override public void notifier(Notifier n) { notifier = n; }
    @Override public void noDelay(boolean on) { noDelay = on; }
    @Override public long bufferBytes() { return 2L * in.ring.length; }
    @Override public void keepAlive(boolean on) { keepAlive = new long[] {on ? 1 : 0, 0, 0, 0}; }
    @Override public void keepAlive(long idle, long interval, int probes) { keepAlive = new long[] {1, idle, interval, probes}; }

    private void fire(int events) {
        Notifier n = notifier;
        if (n != null) n.changed(this, events);
    }
}
