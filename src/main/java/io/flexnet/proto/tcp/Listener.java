package io.flexnet.proto.tcp;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening socket's TCP side: the SYN backlog (connections in SYN_RECEIVED, bounded; past it the
 * stack answers with SYN cookies) and the accept queue (established connections the application has not
 * taken yet, bounded by {@code backlog}; a completed handshake that finds it full is dropped and the
 * peer retries, as Linux does).
 *
 * <pre>{@code
 * Listener l = tcp.listen(7, 128);
 * l.onAcceptReady(() -> wakeAcceptor());       // called on a stack thread; keep it short
 * StreamConnection c = l.accept();             // non-blocking: null when none is ready
 * }</pre>
 */
public final class Listener {
    private final Tcp tcp;
    private final int port;
    private final int synBacklog;
    private final AtomicInteger synReceived = new AtomicInteger();
    private final ArrayBlockingQueue<Connection> acceptQueue;
    private volatile Runnable onReady;
    private volatile boolean closed;
    private volatile boolean inPlace;

    Listener(Tcp tcp, int port, int backlog, int synBacklog) {
        this.tcp = tcp;
        this.port = port;
        this.synBacklog = synBacklog;
        this.acceptQueue = new ArrayBlockingQueue<>(backlog);
    }

    public int port() { return port; }

    /** The next established connection, or null when none is waiting. Never blocks. */
    public StreamConnection accept() { return acceptQueue.poll(); }

    /** Established connections waiting to be accepted. */
    public int pending() { return acceptQueue.size(); }

    /** Connections in SYN_RECEIVED now. */
    public int synReceived() { return synReceived.get(); }

    /**
     * Sets the one callback run when a connection becomes acceptable (replacing any before; null for
     * none). It runs on the stack thread that completed the handshake, after that thread let go of the
     * connection: it must be short and must not block.
     */
    public void onAcceptReady(Runnable r) { this.onReady = r; }

    /**
     * Connections accepted here hand their in-order data to a run-to-completion pipeline's
     * {@code yield()} in the segment's own slot, and the application's answer goes back in it (Listing 5
     * with TCP), instead of through the receive buffer. Set before connections arrive.
     */
    public void deliverInPlace(boolean on) { this.inPlace = on; }

    boolean inPlace() { return inPlace; }

    public boolean isClosed() { return closed; }

    /** Stops listening: new SYNs are reset, and connections not yet accepted are aborted. */
    public void close() {
        if (closed) return;
        closed = true;
        tcp.unlisten(this);
        for (Connection c; (c = acceptQueue.poll()) != null; ) c.abort();
    }

    /** A SYN_RECEIVED entry may be made (under the SYN backlog). */
    boolean takeSyn() {
        for (;;) {
            int n = synReceived.get();
            if (n >= synBacklog) return false;
            if (synReceived.compareAndSet(n, n + 1)) return true;
        }
    }

    void synLeft() { synReceived.decrementAndGet(); }

    /** Queues an established connection; false when the accept queue is full. */
    boolean offer(Connection c) { return !closed && acceptQueue.offer(c); }

    void fireReady() {
        Runnable r = onReady;
        if (r == null) return;
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            tcp.notifierFault(e);
        }
    }

    @Override
    public String toString() { return "listener :" + port; }
}
