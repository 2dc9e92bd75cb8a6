package io.flexnet.socket;

import io.flexnet.packet.Counters;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.PolicyInput;
import io.flexnet.proto.tcp.StreamConnection;

/**
 * The listening sockets of one TCP port (SO_REUSEPORT): it holds the transport's one listener for the
 * port and places each connection the listener completes in one member's accept queue. By default it
 * picks as Linux does, by the four-tuple's hash scaled onto the members, so a client's connections
 * spread and a given tuple always lands on the same member. With a socket-choice {@link PolicyHook},
 * the port's tenant's matching policy picks instead (Syrup's Socket Select hook, which Syrup runs for
 * TCP at connection set-up): an index among the members in the order they joined, {@code PASS} for the
 * hash, {@code DROP} to refuse the connection (reset, counted {@code policy-drop}).
 *
 * <p>A policy sees the connection as a policy input whose tuple is the SYN's (source: the peer) and
 * whose payload is empty; the input lives in one slot of a pool of the group's own, made when the port
 * is first listened on and freed when the last member leaves, so choosing allocates nothing and never
 * takes a slot from the stack.
 */
public final class TcpPortGroup {
    private static final int BY_HASH = 0, BY_POLICY = 1, POLICY_DROP = 2, QUEUE_FULL = 3, NO_SOCKET = 4;

    private final TcpSockets sockets;
    private final int port;
    private final boolean reusable;
    private final StreamListener listener;
    private final Counters counters;
    private final PacketPool choicePool;
    /** The policy's view of a connection; filled and read under its own lock. */
    private final Packet choice;
    private volatile TcpListenSocket[] members = new TcpListenSocket[0];
    /** The choice slot was freed (under its lock): a late chooser falls back to the hash. */
    private boolean choiceFreed;

    TcpPortGroup(TcpSockets sockets, int port, boolean reusable, StreamListener listener) {
        this.sockets = sockets;
        this.port = port;
        this.reusable = reusable;
        this.listener = listener;
        this.counters = new Counters("tcp-port." + port, "by-hash", "by-policy", "policy-drop", "queue-full", "no-socket");
        this.choicePool = new PacketPool(2, 128, 0);  // the free list needs two; one is used
        this.choice = choicePool.allocate();
    }

    /** Starts taking the listener's connections; what completed before is taken now. */
    void start() {
        listener.onAcceptReady(this::drain);
        drain();
    }

    /** On the thread that completed a handshake (or an application's): places every connection waiting. */
    private void drain() {
        for (StreamConnection c; (c = listener.accept()) != null; ) place(c);
    }

    private void place(StreamConnection c) {
        final TcpListenSocket[] m = members;
        final int n = m.length;
        if (n == 0) {  // the last member left while this connection was completing
            refuse(c, NO_SOCKET);
            return;
        }
        int at = -1;
        final PolicyHook hook = sockets.socketHook();
        if (hook != null) {
            int r = choose(hook, c, n);
            if (r == MatchingPolicy.DROP) {
                refuse(c, POLICY_DROP);
                return;
            }
            if (r >= 0 && r < n) {
                at = r;
                counters.inc(BY_POLICY);
            }
        }
        if (at < 0) {
            at = hashChoice(c, n);
            counters.inc(BY_HASH);
        }
        if (!m[at].offer(c)) refuse(c, QUEUE_FULL);
    }

    private int choose(PolicyHook hook, StreamConnection c, int n) {
        synchronized (choice) {
            if (choiceFreed) return MatchingPolicy.PASS;
            Packet p = choice;
            p.srcIp = c.remoteIp();
            p.dstIp = c.localIp();
            p.srcPort = c.remotePort();
            p.dstPort = c.localPort();
            p.protocol = 6;
            p.offset = 0;
            p.length = 0;
            p.payloadOffset = 0;
            p.payloadLength = 0;
            p.flowHash = 0;
            p.rxQueue = -1;
            return hook.choose(p, n);
        }
    }

    /** Linux's choice among n reuse-port sockets for a connection: the tuple's hash, scaled without a division. */
    static int hashChoice(StreamConnection c, int n) {
        if (n == 1) return 0;
        return MatchingPolicy.scale(PolicyInput.tupleHash(c.remoteIp(), c.localIp(), c.remotePort(), c.localPort(), 6), n);
    }

    private void refuse(StreamConnection c, int reason) {
        counters.inc(reason);
        c.abort();
    }

    synchronized void join(TcpListenSocket s) {
        TcpListenSocket[] old = members;
        TcpListenSocket[] n = java.util.Arrays.copyOf(old, old.length + 1);
        n[old.length] = s;
        members = n;
    }

    /** Removes {@code s}; returns the members left. When none is, the listener closes and the choice slot is freed. */
    synchronized int leave(TcpListenSocket s) {
        TcpListenSocket[] old = members;
        int at = -1;
        for (int i = 0; i < old.length; i++) if (old[i] == s) at = i;
        if (at < 0) return old.length;
        TcpListenSocket[] n = new TcpListenSocket[old.length - 1];
        System.arraycopy(old, 0, n, 0, at);
        System.arraycopy(old, at + 1, n, at, old.length - at - 1);
        members = n;
        if (n.length == 0) {
            listener.onAcceptReady(null);
            listener.close();
            drain();  // anything completed meanwhile is reset and counted no-socket
            synchronized (choice) {
                choiceFreed = true;
                choice.release();
                choicePool.close();
            }
        }
        return n.length;
    }

    int indexOf(TcpListenSocket s) {
        TcpListenSocket[] m = members;
        for (int i = 0; i < m.length; i++) if (m[i] == s) return i;
        return -1;
    }

    public int port() { return port; }
    public boolean reusable() { return reusable; }
    public int size() { return members.length; }
    public TcpListenSocket[] members() { return members.clone(); }
    public long byHash() { return counters.get(BY_HASH); }
    public long byPolicy() { return counters.get(BY_POLICY); }
    /** Connections a policy refused (reset). */
    public long policyDrops() { return counters.get(POLICY_DROP); }
    /** Connections reset because the chosen member's accept queue was full. */
    public long queueFull() { return counters.get(QUEUE_FULL); }
    /** Connections reset because every member had left. */
    public long noSocket() { return counters.get(NO_SOCKET); }
    /** Every refusal by reason, for reports. */
    public Counters counters() { return counters; }

    @Override
    public String toString() { return "tcp port group :" + port + " members=" + members.length; }
}
