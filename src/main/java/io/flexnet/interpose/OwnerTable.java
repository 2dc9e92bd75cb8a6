// Which owner holds each local UDP and TCP port, readable per packet without a lock.
package io.flexnet.interpose;

import io.flexnet.socket.Admission;
import io.flexnet.socket.SocketOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The owner of every local port, by protocol, as one packed {@code long} per port: tenant, user and
 * program as name ids of 21 bits each (0: none), so a filter reads a port's whole owner in one
 * acquire load and compares ints. Names get their ids on first sight, from sockets binding or from
 * rules naming them, and keep them for the table's life.
 *
 * <p>{@link #admission()} is the seam the socket layer calls when a socket binds, listens, connects or
 * is accepted ({@code sockets.admission(owners.admission())}): it asks the {@link BindGuard} (the filter
 * rules in force) first and refuses with a clear error when the rules would drop all of that owner's
 * traffic on that port, or when the tenant is at one of its {@link #limits()}. Sockets of one owner
 * may share a port (SO_REUSEPORT, a listener's accepted connections); the port is free again when the
 * last of them lets go. {@link #bind} records an owner for a port no socket holds (a service inside
 * the pipeline).
 */
public final class OwnerTable {
    public static final int PROTO_TCP = 6, PROTO_UDP = 17;
    static final int NAME_BITS = 21;
    static final long NAME_MASK = (1L << NAME_BITS) - 1;

    /** Says why {@code owner} may not bind {@code port}, or null when it may. */
    public interface BindGuard {
        String refusal(int protocol, int port, long owner);
    }

    private final AtomicLongArray udp = new AtomicLongArray(65536), tcp = new AtomicLongArray(65536);
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>(List.of(""));  // id 0: nobody
    private volatile BindGuard guard = (proto, port, owner) -> null;
    private final TenantLimits limits = new TenantLimits();
    /** Slots each bound port's socket was admitted with, to give back at release (guarded by this). */
    private final Map<Long, Integer> slotsOf = new java.util.HashMap<>();
    /** Admitted sockets, by identity: {protocol, port, slots, bytes, tenant id} (guarded by this). */
    private final Map<Object, long[]> admitted = new java.util.IdentityHashMap<>();
    /** Admitted sockets per protocol and port (guarded by this). */
    private final Map<Long, Integer> portRefs = new java.util.HashMap<>();
    private final Admission admission = new Admission() {
        @Override
        public void admit(int protocol, int port, Object socket, SocketOwner o, int slots, long bytes) {
            admitSocket(protocol, port, socket, new Owner(o.tenant(), o.user(), o.program()), slots, bytes);
        }

        @Override
        public void release(int protocol, int port, Object socket) { releaseSocket(socket); }
    };

    /** The id of {@code name}, made on first sight. */
    public synchronized int id(String name) {
        Integer id = ids.get(name);
        if (id != null) return id;
        if (names.size() > NAME_MASK) throw new IllegalStateException("more than " + NAME_MASK + " owner names");
        int next = names.size();
        names.add(name);
        ids.put(name, next);
        return next;
    }

    public synchronized String name(int id) { return id > 0 && id < names.size() ? names.get(id) : "-"; }

    /** {@code owner} packed as the filters see it. */
    public long pack(Owner owner) {
        return (long) id(owner.tenant()) | (long) id(owner.user()) << NAME_BITS | (long) id(owner.program()) << 2 * NAME_BITS;
    }

    static int tenant(long packed) { return (int) (packed & NAME_MASK); }
    static int user(long packed) { return (int) (packed >>> NAME_BITS & NAME_MASK); }
    static int program(long packed) { return (int) (packed >>> 2 * NAME_BITS & NAME_MASK); }

    void guard(BindGuard g) { this.guard = g; }

    /**
     * Records that {@code owner} holds {@code port} of {@code protocol}.
     *
     * @throws BindRefusedException when the rules in force would drop the owner's traffic there, or the
     *         port is held by another owner
     */
    public void bind(int protocol, int port, Owner owner) { bind(protocol, port, owner, 0); }

    /**
     * As {@link #bind(int, int, Owner)} for a socket whose receive queue holds {@code queueSlots}
     * packets, checked against the tenant's {@link #limits()}: a tenant at its limit of sockets or
     * slots is refused, saying which.
     */
    public synchronized void bind(int protocol, int port, Owner owner, int queueSlots) {
        AtomicLongArray t = table(protocol);
        checkPort(port);
        if (queueSlots < 0) throw new IllegalArgumentException("queue slots must be >= 0");
        long packed = pack(owner);
        String why = guard.refusal(protocol, port, packed);
        if (why != null) {
            throw new BindRefusedException(protoName(protocol) + " port " + port + " refused to " + owner + ": " + why);
        }
        long held = t.get(port);
        if (held != 0L) {
            throw new BindRefusedException(protoName(protocol) + " port " + port + " refused to " + owner
                    + ": held by tenant " + name(tenant(held)));
        }
        String over = limits.take(tenant(packed), owner.tenant(), queueSlots, 0);
        if (over != null) {
            throw new BindRefusedException(protoName(protocol) + " port " + port + " refused to " + owner + ": " + over);
        }
        slotsOf.put((long) protocol << 16 | port, queueSlots);
        t.setRelease(port, packed);
    }

    /** What the socket layer asks when a socket takes a port: {@code sockets.admission(owners.admission())}. */
    public Admission admission() { return admission; }

    private synchronized void admitSocket(int protocol, int port, Object socket, Owner owner, int slots, long bytes) {
        AtomicLongArray t = table(protocol);
        checkPort(port);
        if (admitted.containsKey(socket)) throw new IllegalStateException(socket + " admitted twice");
        long packed = pack(owner);
        String why = guard.refusal(protocol, port, packed);
        if (why != null) {
            throw new BindRefusedException(protoName(protocol) + " port " + port + " refused to " + owner + ": " + why);
        }
        long held = t.get(port);
        if (held != 0L && held != packed) {
            throw new BindRefusedException(protoName(protocol) + " port " + port + " refused to " + owner
                    + ": held by tenant " + name(tenant(held)));
        }
        String over = limits.take(tenant(packed), owner.tenant(), slots, bytes);
        if (over != null) {
            throw new BindRefusedException(protoName(protocol) + " port " + port + " refused to " + owner + ": " + over);
        }
        admitted.put(socket, new long[] {protocol, port, slots, bytes, tenant(packed)});
        portRefs.merge((long) protocol << 16 | port, 1, Integer::sum);
        t.setRelease(port, packed);
    }

    private synchronized void releaseSocket(Object socket) {
        long[] a = admitted.remove(socket);
        if (a == null) return;  // never admitted (refused), or released already
        int protocol = (int) a[0], port = (int) a[1];
        limits.give((int) a[4], (int) a[2], a[3]);
        long pk = (long) protocol << 16 | port;
        if (portRefs.merge(pk, -1, Integer::sum) <= 0) {
            portRefs.remove(pk);
            if (!slotsOf.containsKey(pk)) table(protocol).setRelease(port, 0L);
        }
    }

    /** Forgets the owner of {@code port}, giving its socket and slots back to the tenant's limits. */
    public synchronized void release(int protocol, int port) {
        checkPort(port);
        long held = table(protocol).getAndSet(port, 0L);
        Integer slots = slotsOf.remove((long) protocol << 16 | port);
        if (held != 0L) limits.give(tenant(held), slots == null ? 0 : slots, 0);
    }

    /** The per-tenant caps bind checks; set them with {@code limits().set(id("game"), new Limit(4, 256))}. */
    public TenantLimits limits() { return limits; }

    /**
     * A new entry limit for one coroutine queue that tenants share: each tenant with an entries cap in
     * {@link #limits()} may hold that many coroutines there at once ({@code queue.limitEntries(owners.entryLimit())}).
     */
    public TenantEntries entryLimit() { return new TenantEntries(this); }

    /** The packed owner of {@code port}, 0 when nobody holds it or the protocol has no ports. */
    public long ownerOf(int protocol, int port) {
        if (protocol == PROTO_UDP) return udp.getAcquire(port & 0xFFFF);
        if (protocol == PROTO_TCP) return tcp.getAcquire(port & 0xFFFF);
        return 0L;
    }

    /** Tenant, user and program holding {@code port}, each "-" when nobody does. */
    public String[] describeOwner(int protocol, int port) {
        long o = ownerOf(protocol, port);
        return new String[] {name(tenant(o)), name(user(o)), name(program(o))};
    }

    /** Every held port as "udp 5432 pg/postgres/postgres" lines, for the control view. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (int proto : new int[] {PROTO_UDP, PROTO_TCP}) {
            AtomicLongArray t = table(proto);
            for (int port = 0; port < 65536; port++) {
                long o = t.getAcquire(port);
                if (o != 0) out.add(protoName(proto) + " " + port + " " + name(tenant(o)) + " " + name(user(o)) + " " + name(program(o)));
            }
        }
        return out;
    }

    private AtomicLongArray table(int protocol) {
        if (protocol == PROTO_UDP) return udp;
        if (protocol == PROTO_TCP) return tcp;
        throw new IllegalArgumentException("only UDP (17) and TCP (6) have ports, got protocol " + protocol);
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 0xFFFF) throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
    }

    static String protoName(int protocol) {
        return switch (protocol) {
            case PROTO_UDP -> "udp";
            case PROTO_TCP -> "tcp";
            case 1 -> "icmp";
            default -> "protocol " + protocol;
        };
    }
}
