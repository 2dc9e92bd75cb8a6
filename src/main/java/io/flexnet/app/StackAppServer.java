package io.flexnet.app;

import io.flexnet.engine.Engine;
import io.flexnet.packet.Counters;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.socket.RecvMode;
import io.flexnet.socket.StreamPoller;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.TcpTransport;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Serves a {@link Protocol} on the stack's TCP: one thread over a {@link StreamPoller}, every
 * connection a non-blocking {@link TcpSocket} worked by its {@link Exchange} whenever it changes, so
 * any number of connections run at once and none waits on another.
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

    private void loop() {
        try {
            while (!stopping) {
                Object s = poller.poll(POLL_NANOS);
                if (s instanceof TcpListenSocket l) acceptAll(l);
                else if (s instanceof TcpSocket c) serve(c);
            }
        } catch (Throwable t) {  // a bug here must not pass silently: the report says it
            failure = t;
        }
    }

    private void acceptAll(TcpListenSocket l) {
        if (l.isClosed()) return;
        for (TcpSocket c; (c = l.accept()) != null; ) {
            counters.inc(ServerCounters.ACCEPTED);
            c.mode(RecvMode.NON_BLOCKING).noDelay(true);
            Exchange x = new Exchange(protocol.open(), 16 * 1024, maxInput);
            if (live.size() >= maxConnections) {
                refuse(c, x);
                continue;
            }
            live.put(c, x);
            poller.register(c);
        }
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
        if (thread == null || stopping) return;
        stopping = true;
        poller.wakeup();
        thread.join();
        listener.close();
        for (TcpSocket c : live.keySet()) c.close();
        live.clear();
    }

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
        if (f != null) sb.append(String.format(Locale.ROOT, "  %-9s %s%n", "", "the service thread failed: " + f));
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
