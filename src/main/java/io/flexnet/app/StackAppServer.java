package io.flexnet.app;

import io.flexnet.engine.Engine;
import io.flexnet.packet.Counters;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.proto.tcp.StreamConnection;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.sched.ExecContext;
import io.flexnet.sched.Executor;
import io.flexnet.sched.LateExecutors;
import io.flexnet.socket.RecvMode;
import io.flexnet.socket.StreamPoller;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.TcpTransport;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves a {@link Protocol} on the stack's TCP: one thread over a {@link StreamPoller}, every
 * connection a non-blocking {@link TcpSocket} worked by its {@link Exchange} whenever it changes, so
 * any number of connections run at once and none waits on another.
 *
 * <p>Or, run to completion ({@link #startOn}), no thread of its own: the stack worker that runs the
 * receive pipeline serves the sockets that changed in the same round, right after the segments that
 * changed them, so a request is read, answered and its answer sent without a thread hand-off (the
 * slides' dataplane-OS path). The same sessions and the same non-blocking sockets either way.
 *
 * <p>Past {@code maxConnections} a new connection gets the protocol's refusal (HTTP 503, a RESP
 * error) and is closed. A reset or time-out ends a connection, counted.
 */
public final class StackAppServer implements AppServer {
    /** Longest wait of the service thread, so a stop is seen even with nothing to do. */
    private static final long POLL_NANOS = 100_000_000L;

    private final Protocol protocol;
    private final TcpSockets tcp;
    private final StackRuntime runtime;
    private final int port, maxConnections, maxInput;
    private final StreamPoller poller;
    private final ServerCounters counters;
    /** Live connections; touched only by the service thread. */
    private final Map<TcpSocket, Exchange> live = new IdentityHashMap<>();
    private final SocketStream stream = new SocketStream();
    private TcpListenSocket listener;
    private Thread thread;
    private volatile boolean stopping;
    private volatile boolean onWorker;
    private volatile boolean closed;
    private volatile Throwable failure;

    /**
     * @param port the port to listen on
     * @param maxConnections most connections served at once
     * @param maxInput most bytes one request may take (see {@link Exchange})
     */
    public StackAppServer(Protocol protocol, TcpSockets tcp, StackRuntime runtime, int port, int maxConnections, int maxInput) {
        if (port < 1 || port > 0xFFFF) throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
        this.protocol = protocol;
        this.tcp = tcp;
        this.runtime = runtime;
        this.port = port;
        this.maxConnections = maxConnections;
        this.maxInput = maxInput;
        this.poller = new StreamPoller(maxConnections * 2 + 2, runtime);
        this.counters = new ServerCounters("stack " + protocol.name() + " :" + port);
    }

    /** The protocol on {@code stack}'s TCP (every engine gives its stack one), threads from {@code engine}'s runtime. */
    public static StackAppServer on(Engine engine, ProtoStack stack, Protocol protocol, int port, int maxConnections) {
        Tcp t = Tcp.of(stack);
        StackRuntime rt = engine.runtime();
        int max = Math.min(maxConnections, t.config().maxConnections());
        return new StackAppServer(protocol, new TcpSockets(TcpTransport.of(t), rt), rt, port, max, maxInput(protocol));
    }

    static int maxInput(Protocol p) { return p instanceof Resp ? Resp.MAX_INPUT : 2 * Http.MAX_HEAD; }

    @Override
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("already started");
        listener = tcp.openListener().mode(RecvMode.NON_BLOCKING).listen(port, 1024);
        poller.register(listener);
        thread = runtime.newThread("app-" + protocol.name() + "-" + port, this::loop);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Serves on a stack worker instead of a thread: {@code slot} is one of the executors of the worker
     * that reads the NIC (see {@link LateExecutors}); each round it hands this server up to
     * {@link #ROUND_BUDGET} sockets that changed.
     */
    public synchronized void startOn(LateExecutors slot) {
        if (thread != null || onWorker) throw new IllegalStateException("already started");
        listener = tcp.openListener().mode(RecvMode.NON_BLOCKING).listen(port, 1024);
        poller.register(listener);
        onWorker = true;
        slot.add(new OnWorker());
    }

    /** Sockets served per worker round at most, so the receive pipeline gets its turn. */
    static final int ROUND_BUDGET = 64;

    /** The server as an executor of a stack worker: the sockets that changed, none waited for. */
    private final class OnWorker implements Executor {
        @Override
        public int doWork(ExecContext ctx) {
            if (stopping) {
                closeAll();
                return 0;
            }
            int n = 0;
            try {
                for (Object s; n < ROUND_BUDGET && (s = poller.poll(0)) != null; n++) dispatch(s);
            } catch (Throwable t) {  // never out of the worker: the report says it, and serving goes on
                failure = t;
            }
            return n;
        }

        @Override public boolean hasWork() { return !stopping && poller.hasReady(); }
        @Override public List<CoroutineQueue> queues() { return List.of(); }
        @Override public List<WakeSource> wakeSources() { return List.of(poller); }
        @Override public String name() { return protocol.name() + ":" + port; }
    }

    private void loop() {
        try {
            while (!stopping) dispatch(poller.poll(POLL_NANOS));
        } catch (Throwable t) {  // a bug here must not pass silently: the report says it
            failure = t;
        }
    }

    private void dispatch(Object s) {
        if (s instanceof TcpListenSocket l) acceptAll(l);
        else if (s instanceof TcpSocket c) serve(c);
    }

    /** Closes the listener and every connection, once; on the thread that served them. */
    private void closeAll() {
        if (closed) return;
        listener.close();
        for (TcpSocket c : live.keySet()) c.close();
        live.clear();
        closed = true;
    }

    private void acceptAll(TcpListenSocket l) {
        if (l.isClosed()) return;
        for (TcpSocket c; (c = l.accept()) != null; ) {
            counters.inc(ServerCounters.ACCEPTED);
            c.mode(RecvMode.NON_BLOCKING).noDelay(true);
            // Requests that arrived in place before the accept already have their exchange.
            StreamConnection conn = c.connectionOrNull();
            Exchange x = conn != null && conn.attachment() instanceof Exchange e ? e : newExchange();
            if (conn != null) conn.attach(x);
            if (live.size() >= maxConnections) {
                refuse(c, x);
                continue;
            }
            live.put(c, x);
            poller.register(c);
            if (x.hasWork()) serve(c);  // what came in place meanwhile
        }
    }

    private Exchange newExchange() { return new Exchange(protocol.open(), 16 * 1024, maxInput); }

    /**
     * Run to completion in place, Listing 5 with TCP: as {@link #startOn}, and {@code stackTcp}'s
     * listener on this port delivers in-order segments at the receive pipeline's {@code yield()} instead
     * of into the connection's buffer. The application given to {@code atYield}, for that {@code yield()}, parses
     * the requests where they arrived and, when the answers fit in the slot and nothing is owed before
     * them, writes them over the request for {@code tcp_send} to send from the same slot. Anything else
     * (a request split over segments, a large or queued answer, the end of the stream, a close) goes
     * the socket way on the same worker. The pipeline must run on that worker (one receive queue):
     * the connection's exchange has one thread.
     */
    public synchronized void startInPlace(LateExecutors slot, Tcp stackTcp, java.util.function.Consumer<Application> atYield) {
        startOn(slot);
        this.stackTcp = stackTcp;
        atYield.accept(this::inPlace);  // in place before the first segment can be delivered there
        stackTcp.listener(port).deliverInPlace(true);
    }

    private volatile Tcp stackTcp;

    private int inPlace(Coroutine co) {
        final Packet p = co.packet();
        StreamConnection conn = stackTcp.connectionOf(p);
        if (conn == null) {  // reset meanwhile: nobody to answer
            p.release();
            return Application.CONSUMED;
        }
        try {
            Exchange x = conn.attachment() instanceof Exchange e ? e : null;
            if (x == null) {
                x = newExchange();
                conn.attach(x);
            }
            counters.inc(ServerCounters.IN_PLACE);
            if (x.feed(p.segment(), p.payloadOffset, p.payloadLength)) x.serveBuffered();
            Output o = x.output();
            int n = o.pendingLength();
            if (n > 0 && o.owed() == n && !x.session().closing() && n <= p.segment().byteSize() - p.payloadOffset
                    && conn.writable() >= n) {
                MemorySegment.copy(o.pendingArray(), o.pendingOffset(), p.segment(), ValueLayout.JAVA_BYTE, p.payloadOffset, n);
                o.sent(n);
                p.payloadLength = n;
                counters.inc(ServerCounters.ANSWERED_IN_PLACE);
                return Application.ANSWER;
            }
        } catch (RuntimeException e) {  // never out of the worker: the report says it
            failure = e;
        }
        p.release();
        // The socket way: what fits now; the rest when the connection has room (the poller's turn).
        Exchange x = conn.attachment() instanceof Exchange e ? e : null;
        try {
            for (Output o = x == null ? null : x.output(); o != null && !o.empty(); ) {
                int w = conn.write(o.pendingArray(), o.pendingOffset(), o.pendingLength());
                if (w <= 0) break;
                o.sent(w);
            }
        } catch (TcpException e) {
            // reset under us: the poller's turn ends the connection
        }
        return Application.CONSUMED;
    }

    private void refuse(TcpSocket c, Exchange x) {
        counters.inc(ServerCounters.REFUSED);
        Output o = x.output();
        x.session().onRefused(o);
        try {
            int n = o.pendingLength();
            c.write(o.pendingArray(), o.pendingOffset(), n);  // a short reply into an empty send buffer
            c.close();
        } catch (TcpException e) {
            c.abort();
        }
    }

    private void serve(TcpSocket c) {
        Exchange x = live.get(c);
        if (x == null || c.isClosed()) return;
        stream.socket = c;
        try {
            switch (x.pump(stream)) {
                case Exchange.CLOSE -> finish(c, ServerCounters.CLOSED);
                case Exchange.EOF -> finish(c, ServerCounters.PEER_CLOSED);
                default -> { }  // woken again when the connection changes
            }
        } catch (TcpException e) {  // reset or timed out
            live.remove(c);
            c.abort();
            counters.inc(ServerCounters.RESET);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stack sockets do not throw IOException", e);
        } finally {
            stream.socket = null;
        }
    }

    private void finish(TcpSocket c, int why) {
        live.remove(c);
        c.close();
        counters.inc(why);
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        if (thread == null && !onWorker || stopping) return;
        stopping = true;
        poller.wakeup();
        if (thread != null) {
            thread.join();
            closeAll();
            return;
        }
        // On a worker: it closes everything at its next round; a worker already stopped leaves it to us.
        long deadline = runtime.nanoTime() + STOP_WAIT_NANOS;
        while (!closed && runtime.nanoTime() - deadline < 0) runtime.park(1_000_000L);
        if (!closed) closeAll();
    }

    /** Longest a stop waits for the worker serving on-worker to close the connections itself. */
    private static final long STOP_WAIT_NANOS = 500_000_000L;

    @Override
    public int port() { return port; }
    @Override
    public Protocol protocol() { return protocol; }
    @Override
    public Counters counters() { return counters.counters(); }
    @Override
    public Throwable failure() { return failure; }
    /** Connections open now (exact once stopped). */
    public int open() { return live.size(); }

    @Override
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  %-9s%s%n", protocol.name(), " port " + port + counters.line()));
        sb.append(String.format(Locale.ROOT, "  %-9s%s%n", "", ServerCounters.line(protocol.counters())));
        Throwable f = failure;
        if (f != null) sb.append(String.format(Locale.ROOT, "  %-9s %s%n", "", (onWorker ? "serving on the worker" : "the service thread")
                + " failed: " + f));
        return sb.toString();
    }

    /** A {@link TcpSocket} as a {@link ByteStream}: one, pointed at the connection being worked. */
    private static final class SocketStream implements ByteStream {
        TcpSocket socket;

        @Override
        public int read(byte[] b, int off, int len) { return socket.read(b, off, len); }

        @Override
        public int write(byte[] b, int off, int len) { return socket.write(b, off, len); }
    }
}
