package io.flexnet.socket;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.PolicyHook;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.PortTable;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.StackRuntime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The socket layer of one stack: opens {@link UdpSocket}s, binds them into {@link PortGroup}s in the
 * stack's {@link PortTable}, and gives them the pool to send from and the transmit path to send on.
 *
 * <pre>{@code
 * Sockets sockets = new Sockets(stack);                        // send runs the send layers inline
 * // Listing 4: socket_send on the application thread, the rest on a stack core.
 * Pipeline tx = PipelineBuilder.tx("listing4", stack::layer).socket().queue(p -> 0, txq).l4().ip().eth().build();
 * Sockets relocated = new Sockets(stack, Sockets.pipeline(tx, new Coroutines(pool), stack));
 * sockets.socketHook(tenants.hook("sockets", HookKind.SOCKET));    // tenants' policies pick sockets
 * }</pre>
 */
public final class Sockets {
    public static final int DEFAULT_RECEIVE_QUEUE = 256;
    /** Linux's usual {@code net.core.busy_read}: 50 µs. */
    public static final long DEFAULT_BUSY_POLL_NANOS = 50_000;
    /** IANA's dynamic port range (RFC 6335), where unbound senders get a port. */
    public static final int EPHEMERAL_FIRST = 49152, EPHEMERAL_LAST = 65535;

    private final PortTable ports;
    private final PacketPool pool;
    private final StackRuntime runtime;
    private final Consumer<Packet> tx;
    private final int maxPayload;
    private final Map<Integer, PortGroup> groups = new HashMap<>();
    private volatile PolicyHook socketHook;
    private volatile Admission admission = Admission.OPEN;
    private int nextSocketId;
    private int nextEndpointId;
    private int nextEphemeral = EPHEMERAL_FIRST;

    /** Sockets on {@code stack} whose sends run the stack's send layers on the sending thread. */
    public Sockets(ProtoStack stack) { this(stack, stack::send); }

    /** Sockets on {@code stack} whose sends go to {@code tx} (it takes ownership of each packet). */
    public Sockets(ProtoStack stack, Consumer<Packet> tx) {
        this(stack.ports(), stack.pool(), tx, stack.socketSend().maxPayload(), stack.runtime());
    }

    /** @param runtime the clock and spin of busy-polling receives */
    public Sockets(PortTable ports, PacketPool pool, Consumer<Packet> tx, int maxPayload, StackRuntime runtime) {
        this.ports = Objects.requireNonNull(ports);
        this.pool = Objects.requireNonNull(pool);
        this.runtime = Objects.requireNonNull(runtime);
        this.tx = Objects.requireNonNull(tx);
        if (maxPayload < 1) throw new IllegalArgumentException("maxPayload must be >= 1");
        this.maxPayload = maxPayload;
    }

    /**
     * A transmit path that starts {@code tx} (a TX pipeline beginning with {@code socket_send}) for each
     * packet on the sending thread, with that thread's context from {@code stack}; the pipeline's
     * {@code queue()} points decide where the rest runs.
     */
    public static Consumer<Packet> pipeline(Pipeline tx, Coroutines coroutines, ProtoStack stack) {
        return p -> coroutines.of(p).start(tx, stack.callerContext());
    }

    /** Lets tenants' matching policies choose among the sockets of their ports' groups. */
    public Sockets socketHook(PolicyHook hook) {
        if (hook != null && hook.kind() != HookKind.SOCKET) throw new IllegalArgumentException(hook + " is not a socket hook");
        socketHook = hook;
        return this;
    }

    public PolicyHook socketHook() { return socketHook; }

    /** Who admits sockets to ports (owners and per-tenant limits); {@link Admission#OPEN} by default. */
    public Sockets admission(Admission a) {
        admission = java.util.Objects.requireNonNull(a);
        return this;
    }

    public UdpSocket open() { return open(DEFAULT_RECEIVE_QUEUE); }

    /** A new unbound socket whose receive queue holds {@code receiveQueue} datagrams (rounded up to a power of two). */
    public synchronized UdpSocket open(int receiveQueue) {
        return new UdpSocket(this, nextSocketId++, receiveQueue);
    }

    /** The group bound to {@code port}, or null. */
    public synchronized PortGroup group(int port) { return groups.get(port); }

    synchronized PortGroup bind(UdpSocket s, int port) {
        if (port == 0) port = ephemeral();
        if (port < 1 || port > 0xFFFF) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        PortGroup g = groups.get(port);
        if (g == null && ports.get(port) != null) throw new IllegalStateException("port " + port + " is in use by another endpoint");
        if (g != null && (!g.reusable() || !s.reusePort())) {
            throw new IllegalStateException("port " + port + " is in use (both sockets need reusePort to share it)");
        }
        admission.admit(Admission.UDP, port, s, s.owner(), s.queueCapacity(), 0);  // throws when refused
        if (g == null) {
            g = new PortGroup(this, endpointId(), port, s.reusePort());
            g.join(s);
            ports.bind(port, g);
            groups.put(port, g);
            return g;
        }
        g.join(s);
        return g;
    }

    synchronized void unbind(UdpSocket s, PortGroup g) {
        admission.release(Admission.UDP, g.port(), s);
        if (g.leave(s) == 0 && groups.get(g.port()) == g) {
            groups.remove(g.port());
            ports.unbind(g.port());
        }
    }

    private int ephemeral() {
        for (int i = 0; i <= EPHEMERAL_LAST - EPHEMERAL_FIRST; i++) {
            int p = nextEphemeral;
            nextEphemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
            if (ports.get(p) == null && !groups.containsKey(p)) return p;
        }
        throw new IllegalStateException("no free ephemeral port");
    }

    /** An endpoint id no other endpoint in the port table uses. */
    private int endpointId() {
        for (int i = 0; i <= PortTable.MAX_ENDPOINT_ID; i++) {
            int id = nextEndpointId;
            nextEndpointId = id == PortTable.MAX_ENDPOINT_ID ? 0 : id + 1;
            Endpoint used = ports.endpoint(id);
            boolean ours = false;
            for (PortGroup g : groups.values()) ours |= g.id() == id;
            if (used == null && !ours) return id;
        }
        throw new IllegalStateException("no free endpoint id");
    }

    PacketPool pool() { return pool; }
    StackRuntime runtime() { return runtime; }
    Consumer<Packet> tx() { return tx; }
    /** Largest payload one datagram carries. */
    public int maxPayload() { return maxPayload; }
}
