package io.flexnet.socket;

import io.flexnet.policy.HookKind;
import io.flexnet.policy.PolicyHook;
import io.flexnet.runtime.StackRuntime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The stream-socket layer of one stack: opens {@link TcpSocket}s and {@link TcpListenSocket}s over a
 * {@link StreamTransport} (the stack's TCP), keeps the listening sockets of each port in a
 * {@link TcpPortGroup}, and gives every socket the runtime it waits through.
 *
 * <pre>{@code
 * TcpSockets tcp = new TcpSockets(transport, runtime);
 * tcp.socketHook(tenants.hook("sockets", HookKind.SOCKET));      // tenants' policies pick acceptors
 * TcpListenSocket a = tcp.openListener().reusePort(true).listen(80, 128);
 * TcpListenSocket b = tcp.openListener().reusePort(true).listen(80, 128);
 * }</pre>
 *
 * A tenant owns a TCP port as it owns the UDP port of the same number ({@link io.flexnet.policy.Tenants}
 * keeps one owner per number): its policy at the socket hook chooses among the port's listening
 * sockets, and sees no other tenant's connections.
 */
public final class TcpSockets {
    public static final int DEFAULT_BACKLOG = 128;

    private final StreamTransport transport;
    private final StackRuntime runtime;
    private final Map<Integer, TcpPortGroup> groups = new HashMap<>();
    private volatile PolicyHook socketHook;
    private volatile Admission admission = Admission.OPEN;
    private int nextSocketId;

    public TcpSockets(StreamTransport transport, StackRuntime runtime) {
        this.transport = Objects.requireNonNull(transport);
        this.runtime = Objects.requireNonNull(runtime);
    }

    /** Lets tenants' matching policies choose among the listening sockets of their ports. */
    public TcpSockets socketHook(PolicyHook hook) {
        if (hook != null && hook.kind() != HookKind.SOCKET) throw new IllegalArgumentException(hook + " is not a socket hook");
        socketHook = hook;
        return this;
    }

    public PolicyHook socketHook() { return socketHook; }

    /** Who admits sockets to ports (owners and per-tenant limits); {@link Admission#OPEN} by default. */
    public TcpSockets admission(Admission a) {
        admission = Objects.requireNonNull(a);
        return this;
    }

    Admission admission() { return admission; }

    /** A new socket to {@link TcpSocket#connect} with. */
    public synchronized TcpSocket open() {
        return new TcpSocket(this, nextSocketId++, RecvMode.BLOCKING, Sockets.DEFAULT_BUSY_POLL_NANOS);
    }

    /** A new socket to {@link TcpListenSocket#listen} with. */
    public synchronized TcpListenSocket openListener() { return new TcpListenSocket(this, nextSocketId++); }

    /** The group listening on {@code port}, or null. */
    public synchronized TcpPortGroup group(int port) { return groups.get(port); }

    /**
     * An accepted connection as a socket of the listener's {@code owner}, admitted with its buffers;
     * a connection the owner's limits refuse is reset and the refusal thrown.
     */
    TcpSocket accepted(io.flexnet.proto.tcp.StreamConnection c, RecvMode mode, long busyPollNanos, SocketOwner owner) {
        TcpSocket s;
        synchronized (this) {
            s = new TcpSocket(this, nextSocketId++, mode, busyPollNanos);
        }
        s.owner(owner);
        try {
            admission.admit(Admission.TCP, c.localPort(), s, owner, 0, c.bufferBytes());
        } catch (RuntimeException e) {
            c.abort();
            throw e;
        }
        s.attach(c, true);
        return s;
    }

    synchronized TcpPortGroup bind(TcpListenSocket s, int port, int backlog) {
        TcpPortGroup g = groups.get(port);
        if (g != null && (!g.reusable() || !s.reusePort())) {
            throw new IllegalStateException("port " + port + " is in use (both sockets need reusePort to share it)");
        }
        admission.admit(Admission.TCP, port, s, s.owner(), 0, 0);  // throws when refused
        try {
            return join(s, port, backlog, g);
        } catch (RuntimeException e) {
            admission.release(Admission.TCP, port, s);
            throw e;
        }
    }

    private TcpPortGroup join(TcpListenSocket s, int port, int backlog, TcpPortGroup g) {
        if (g == null) {
            StreamListener l = transport.listen(port, backlog);  // throws when the port is taken elsewhere
            g = new TcpPortGroup(this, l.port(), s.reusePort(), l);
            g.join(s);
            groups.put(g.port(), g);
            g.start();
            return g;
        }
        g.join(s);
        return g;
    }

    synchronized void unbind(TcpListenSocket s, TcpPortGroup g) {
        admission.release(Admission.TCP, g.port(), s);
        if (groups.get(g.port()) == g && g.indexOf(s) >= 0 && g.size() == 1) groups.remove(g.port());
        g.leave(s);
    }

    StreamTransport transport() { return transport; }
    StackRuntime runtime() { return runtime; }
}
