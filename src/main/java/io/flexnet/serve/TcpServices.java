// The classic TCP services on the stack: echo (RFC 862) and discard (RFC 863), any number of connections.
package io.flexnet.serve;

import io.flexnet.packet.Counters;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.socket.RecvMode;
import io.flexnet.socket.StreamPoller;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.TcpTransport;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Serves TCP echo (RFC 862: every byte received is sent back) and discard (RFC 863: every byte
 * received is thrown away) on one thread, over a {@link StreamPoller}: each connection is worked in
 * non-blocking mode when it changes, so any number run at once and none waits on another.
 *
 * <p>Echo reads only as much as the send buffer has room for, so a client that stops reading stops
 * being read (back-pressure through both windows), and a connection costs its buffers in the stack
 * and, only if the room it was promised shrank, a buffer here for the rest. At the client's FIN the echo finishes what it owes
 * and closes; discard closes at once. A reset ends the connection, counted.
 */
public final class TcpServices {
    /** Longest wait of the service thread, so a stop is seen even with nothing to do. */
    private static final long POLL_NANOS = 100_000_000L;
    private static final int ACCEPTED = 0, ECHOED = 1, DISCARDED = 2, CLOSED = 3, RESET = 4;

    private final TcpSockets tcp;
    private final StackRuntime runtime;
    private final int echoPort, discardPort;
    private final int capacity;
    private final StreamPoller poller;
    private final Counters counters = new Counters("tcp services", "accepted", "echoed-bytes", "discarded-bytes",
            "closed", "reset");
    /** Live connections; touched only by the service thread, read after it stopped. */
    private final Map<TcpSocket, Conn> live = new IdentityHashMap<>();
    private final byte[] buf = new byte[16 * 1024];
    private TcpListenSocket echo, discard;
    private Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;
    /** The stack's TCP, for the report, when made by {@link #on}. */
    private Tcp stackTcp;

    /**
     * @param echoPort the echo port, or 0 for none
     * @param discardPort the discard port, or 0 for none
     * @param capacity most connections served at once; past it new ones are reset
     */
    public TcpServices(TcpSockets tcp, int echoPort, int discardPort, int capacity, StackRuntime runtime) {
        if (echoPort < 0 || echoPort > 0xFFFF || discardPort < 0 || discardPort > 0xFFFF) {
            throw new IllegalArgumentException("ports must be in [0, 65535], got " + echoPort + " and " + discardPort);
        }
        if (echoPort != 0 && echoPort == discardPort) throw new IllegalArgumentException("echo and discard share port " + echoPort);
        this.tcp = tcp;
        this.runtime = runtime;
        this.echoPort = echoPort;
        this.discardPort = discardPort;
        this.capacity = capacity;
        this.poller = new StreamPoller(capacity + 2, runtime);
    }

    /**
     * The services on {@code server}'s stack (its engine gives every stack TCP); {@link #report} then
     * also counts the stack's connections by state. Start after the server.
     */
    public static TcpServices on(EchoServer server, int echoPort, int discardPort) {
        Tcp tcp = Tcp.of(server.stack());
        TcpServices s = new TcpServices(new TcpSockets(TcpTransport.of(tcp), server.engine().runtime()), echoPort,
                discardPort, tcp.config().maxConnections(), server.engine().runtime());
        s.stackTcp = tcp;
        return s;
    }

    /** Listens and starts the service thread. */
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("already started");
        if (echoPort != 0) poller.register(echo = tcp.openListener().mode(RecvMode.NON_BLOCKING).listen(echoPort, 128));
        if (discardPort != 0) poller.register(discard = tcp.openListener().mode(RecvMode.NON_BLOCKING).listen(discardPort, 128));
        thread = runtime.newThread("tcp-services", this::loop);
        thread.setDaemon(true);
        thread.start();
    }

    /** One served connection: which service, and echo bytes read but not yet taken by the send buffer. */
    private static final class Conn {
        final boolean echoes;
        byte[] pending;
        int pendingOff, pendingLen;

        Conn(boolean echoes) { this.echoes = echoes; }
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
            counters.inc(ACCEPTED);
            if (live.size() >= capacity) {
                c.abort();
                counters.inc(RESET);
                continue;
            }
            c.mode(RecvMode.NON_BLOCKING).noDelay(true);
            live.put(c, new Conn(l == echo));
            poller.register(c);
        }
    }

    private void serve(TcpSocket c) {
        Conn k = live.get(c);
        if (k == null || c.isClosed()) return;
        try {
            if (k.echoes) echo(c, k);
            else discard(c);
        } catch (TcpException e) {  // reset or timed out
            counters.inc(RESET);
            live.remove(c);
            c.abort();
        }
    }

    private void echo(TcpSocket c, Conn k) {
        if (k.pendingLen > 0) {
            int w = c.write(k.pending, k.pendingOff, k.pendingLen);
            counters.add(ECHOED, w);
            k.pendingOff += w;
            k.pendingLen -= w;
            if (k.pendingLen > 0) return;  // woken again when the peer's ACKs make room
        }
        for (;;) {
            int room = Math.min(c.writable(), buf.length);
            if (room == 0) return;  // woken again when the peer's ACKs make room
            int n = c.read(buf, 0, room);
            if (n == TcpSocket.EOF) {
                finish(c);
                return;
            }
            if (n == 0) return;
            int w = c.write(buf, 0, n);  // only this thread writes, and there was room for n
            counters.add(ECHOED, w);
            if (w < n) {  // the room shrank after all: keep the rest rather than lose it
                if (k.pending == null) k.pending = new byte[buf.length];
                System.arraycopy(buf, w, k.pending, 0, n - w);
                k.pendingOff = 0;
                k.pendingLen = n - w;
                return;
            }
        }
    }

    private void discard(TcpSocket c) {
        for (;;) {
            int n = c.read(buf, 0, buf.length);
            if (n == TcpSocket.EOF) {
                finish(c);
                return;
            }
            if (n == 0) return;
            counters.add(DISCARDED, n);
        }
    }

    private void finish(TcpSocket c) {
        live.remove(c);
        c.close();
        counters.inc(CLOSED);
    }

    /** Stops the thread, then closes the listeners and every connection (gracefully). Idempotent. */
    public synchronized void stop() throws InterruptedException {
        if (thread == null || stopping) return;
        stopping = true;
        poller.wakeup();
        thread.join();
        if (echo != null) echo.close();
        if (discard != null) discard.close();
    }

    /** Connections by state now (after {@link #stop}: at the stop), for the report. */
    public synchronized Map<TcpState, Integer> byState() {
        if (thread != null && !stopping) throw new IllegalStateException("stop first: the service thread owns the connections");
        Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
        for (TcpSocket c : live.keySet()) m.merge(c.state(), 1, Integer::sum);
        return m;
    }

    /** Closes what is still open, after {@link #stop}. */
    public synchronized void closeAll() {
        for (TcpSocket c : live.keySet()) c.close();
        live.clear();
    }

    public Counters counters() { return counters; }
    public int echoPort() { return echoPort; }
    public int discardPort() { return discardPort; }
    /** What ended the service thread other than a stop, or null. */
    public Throwable failure() { return failure; }

    /**
     * What {@code flexnet serve} prints at exit: the services' line, and with the stack's TCP its
     * counters and every connection the stack still holds by state (TIME_WAIT lingering after a close,
     * say).
     */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  %-9s%s%n", "tcp serv", summary()));
        Throwable f = failure;
        if (f != null) sb.append(String.format(Locale.ROOT, "  %-9s %s%n", "", "the service thread failed: " + f));
        if (stackTcp != null) {
            StringBuilder c = new StringBuilder();
            Counters t = stackTcp.counters();
            for (int i = 0; i < t.size(); i++) if (t.get(i) != 0) c.append(' ').append(t.label(i)).append('=').append(t.get(i));
            sb.append(String.format(Locale.ROOT, "  %-9s%s%n", "tcp", c.length() == 0 ? " nothing" : c.toString()));
            StringBuilder st = new StringBuilder();
            stackTcp.stateCounts().forEach((s, n) -> {
                if (n != 0) st.append(' ').append(s.name().toLowerCase(Locale.ROOT)).append('=').append(n);
            });
            sb.append(String.format(Locale.ROOT, "  %-9s%s%n", "tcp conns", st.length() == 0 ? " none" : st.toString()));
        }
        return sb.toString();
    }

    /** One line: the counters, then live connections by state. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < counters.size(); i++) sb.append(' ').append(counters.label(i)).append('=').append(counters.get(i));
        Map<TcpState, Integer> st = byState();
        sb.append(" open:");
        if (st.isEmpty()) sb.append(" none");
        st.forEach((s, n) -> sb.append(' ').append(s.name().toLowerCase(Locale.ROOT)).append('=').append(n));
        return sb.toString();
    }
}
