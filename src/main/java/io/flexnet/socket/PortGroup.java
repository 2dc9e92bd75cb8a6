package io.flexnet.socket;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.PolicyInput;
import io.flexnet.proto.Endpoint;

/**
 * The sockets bound to one UDP port: the endpoint {@code socket_rcv} delivers to, which picks one
 * member per datagram (SO_REUSEPORT). By default it picks as Linux does, by the flow's hash scaled onto
 * the members ({@code reciprocal_scale}), so a flow stays on one socket. With a socket-choice
 * {@link PolicyHook}, the port's tenant's matching policy picks instead (Syrup's Socket Select hook):
 * an index into the members in the order they joined, {@code PASS} for the hash, {@code DROP} to drop
 * (counted {@code policy-drop} here).
 *
 * <p>Members are a copy-on-write array: a datagram reads it once, so joins and leaves never stall or
 * lose it; indexes shift down when a member leaves.
 */
public final class PortGroup implements Endpoint {
    private static final int BY_HASH = 0, BY_POLICY = 1;

    private final Sockets sockets;
    private final int id;
    private final int port;
    private final boolean reusable;
    private volatile UdpSocket[] members = new UdpSocket[0];
    private final Counters counters;
    private final DropCounters drops;

    PortGroup(Sockets sockets, int id, int port, boolean reusable) {
        this.sockets = sockets;
        this.id = id;
        this.port = port;
        this.reusable = reusable;
        this.counters = new Counters("port." + port, "by-hash", "by-policy");
        this.drops = new DropCounters("port." + port);
    }

    @Override public int id() { return id; }

    @Override
    public boolean offer(Packet p) {
        final UdpSocket[] m = members;
        final int n = m.length;
        if (n == 0) {  // the last member left while this datagram was on its way
            drops.drop(p, DropReason.NO_SOCKET);
            return true;
        }
        final PolicyHook hook = sockets.socketHook();
        if (hook != null) {
            int r = hook.choose(p, n);
            if (r >= 0) {
                counters.inc(BY_POLICY);
                return m[r].deliver(p);
            }
            if (r == MatchingPolicy.DROP) {
                drops.drop(p, DropReason.POLICY_DROP);
                return true;
            }
        }
        counters.inc(BY_HASH);
        return m[hashChoice(p, n)].deliver(p);
    }

    /** Linux's choice among n reuse-port sockets: the flow hash, scaled without a division. */
    static int hashChoice(Packet p, int n) {
        if (n == 1) return 0;
        int h = p.flowHash != 0 ? p.flowHash : PolicyInput.tupleHash(p.srcIp, p.dstIp, p.srcPort, p.dstPort, p.protocol);
        return MatchingPolicy.scale(h, n);
    }

    synchronized void join(UdpSocket s) {
        UdpSocket[] old = members;
        UdpSocket[] n = java.util.Arrays.copyOf(old, old.length + 1);
        n[old.length] = s;
        members = n;
    }

    /** Removes {@code s}; returns the members left. */
    synchronized int leave(UdpSocket s) {
        UdpSocket[] old = members;
        int at = -1;
        for (int i = 0; i < old.length; i++) if (old[i] == s) at = i;
        if (at < 0) return old.length;
        UdpSocket[] n = new UdpSocket[old.length - 1];
        System.arraycopy(old, 0, n, 0, at);
        System.arraycopy(old, at + 1, n, at, old.length - at - 1);
        members = n;
        return n.length;
    }

    int indexOf(UdpSocket s) {
        UdpSocket[] m = members;
        for (int i = 0; i < m.length; i++) if (m[i] == s) return i;
        return -1;
    }

    public int port() { return port; }
    public boolean reusable() { return reusable; }
    public int size() { return members.length; }
    /** Members in index order (a copy). */
    public UdpSocket[] members() { return members.clone(); }
    public long byHash() { return counters.get(BY_HASH); }
    public long byPolicy() { return counters.get(BY_POLICY); }
    /** Drops made here: policy-drop, and no-socket for a datagram that arrived as the group emptied. */
    public DropCounters drops() { return drops; }

    @Override
    public String toString() { return "port group :" + port + " members=" + members.length; }
}
