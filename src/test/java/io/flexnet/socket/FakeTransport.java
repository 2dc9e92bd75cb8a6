package io.flexnet.socket;

import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.TcpState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link StreamTransport}: a connect to a port someone listens on makes a {@link FakeStream}
 * pair, queues the server end in the listener (or resets the client when its queue is full) and runs
 * the accept-ready callback on the connecting thread. With {@link #manualHandshakes}, client ends stay
 * in SYN_SENT until {@link #completeHandshakes} (or fail with {@link #refuseHandshakes}).
 */
public final class FakeTransport implements StreamTransport {
    public static final int LOCAL_IP = 0xC612_0002, PEER_IP = 0xC612_0001;

    final int capacity;
    private final Map<Integer, Listener> listeners = new HashMap<>();
    private final List<FakeStream[]> pendingHandshakes = new ArrayList<>();
    private int nextPort = 40_000;
    boolean manualHandshakes;
    int resetByFullBacklog;

    public FakeTransport(int capacity) { this.capacity = capacity; }

    final class Listener implements StreamListener {
        final int port, backlog;
        final ArrayDeque<StreamConnection> done = new ArrayDeque<>();
        volatile Runnable ready;
        boolean closed;

        Listener(int port, int backlog) {
            this.port = port;
            this.backlog = backlog;
        }

        @Override
        public synchronized StreamConnection accept() { return done.poll(); }

        @Override public void onAcceptReady(Runnable r) { ready = r; }

        @Override
        public void close() {
            synchronized (FakeTransport.this) {
                listeners.remove(port);
            }
            synchronized (this) {
                closed = true;
                for (StreamConnection c; (c = done.poll()) != null; ) c.abort();
            }
        }

        @Override public int port() { return port; }

        /** A handshake completed: queue the server end, or reset the pair when the queue is full. */
        void complete(FakeStream server) {
            boolean queued;
            synchronized (this) {
                queued = !closed && done.size() < backlog;
                if (queued) done.add(server);
            }
            if (!queued) {
                resetByFullBacklog++;
                server.abort();
                return;
            }
            Runnable r = ready;
            if (r != null) r.run();
        }
    }

    @Override
    public synchronized StreamListener listen(int port, int backlog) {
        if (listeners.containsKey(port)) throw new IllegalStateException("port " + port + " is taken");
        Listener l = new Listener(port, backlog);
        listeners.put(port, l);
        return l;
    }

    @Override
    public StreamConnection connect(int remoteIp, int remotePort) { return connectFrom(nextPort(), remotePort); }

    synchronized int nextPort() { return nextPort++; }

    /** A connection from the peer's {@code clientPort} to our {@code port}, as a remote client opens it. */
    FakeStream connectFrom(int clientPort, int port) {
        Listener l;
        synchronized (this) {
            l = listeners.get(port);
        }
        FakeStream[] ends = FakeStream.pair(PEER_IP, clientPort, LOCAL_IP, port, capacity,
                manualHandshakes ? TcpState.SYN_SENT : TcpState.ESTABLISHED);
        if (l == null) {
            if (!manualHandshakes) ends[0].fail("connection refused");
            else synchronized (this) {
                pendingHandshakes.add(ends);
            }
            return ends[0];
        }
        if (manualHandshakes) {
            synchronized (this) {
                pendingHandshakes.add(ends);
            }
        } else {
            l.complete(ends[1]);
        }
        return ends[0];
    }

    /** Client ends stay in SYN_SENT until {@link #completeHandshakes} or {@link #refuseHandshakes}. */
    public FakeTransport manualHandshakes(boolean on) {
        manualHandshakes = on;
        return this;
    }

    public void completeHandshakes() {
        List<FakeStream[]> all;
        synchronized (this) {
            all = new ArrayList<>(pendingHandshakes);
            pendingHandshakes.clear();
        }
        for (FakeStream[] ends : all) {
            Listener l;
            synchronized (this) {
                l = listeners.get(ends[1].localPort());
            }
            ends[1].establish();
            ends[0].establish();
            if (l != null) l.complete(ends[1]);
        }
    }

    public void refuseHandshakes() {
        List<FakeStream[]> all;
        synchronized (this) {
            all = new ArrayList<>(pendingHandshakes);
            pendingHandshakes.clear();
        }
        for (FakeStream[] ends : all) ends[0].fail("connection refused");
    }

    public synchronized int pending() { return pendingHandshakes.size(); }
}
