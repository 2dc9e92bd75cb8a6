package io.flexnet.policy;

import io.flexnet.packet.Counters;
import io.flexnet.packet.Packet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One place where the stack makes a choice, with a slot per tenant for that tenant's policy: Syrup's
 * port-matching dispatcher. For each input it finds the owning tenant from the input's port (parsing
 * the frame itself at hooks before the transport layer), and runs that tenant's policy, or answers
 * {@link MatchingPolicy#PASS} when nobody owns the port or the owner deployed nothing here. A policy
 * therefore never sees another tenant's input.
 *
 * <p>Adapters put a hook where the stack chooses: {@link RxQueueHook} (NIC receive queue),
 * {@link QueueHook} (a pipeline's {@code queue()} point); a socket port group calls {@link #choose}.
 *
 * <p>Deploying, replacing and removing swap the tenant's deployment atomically at each of its ports
 * (a volatile array element); each call reads its port's entry once, acquiring, so it runs either the
 * old or the new policy, never a mix, and no input is lost during a swap.
 */
public final class PolicyHook {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Deployment[].class);
    private static final int UNOWNED = 0, UNDEPLOYED = 1;

    private final Tenants tenants;
    private final String name;
    private final HookKind kind;
    /** Each tenant's deployment here, by tenant id: the record of what is deployed. */
    private final Deployment[] slots;
    /**
     * The deployment that answers for each port: its owner's, or null. A copy of {@link #slots}
     * through the port table, kept in step under the registry's lock, so that a call finds its policy
     * in one load instead of three (port to owner to id to slot).
     */
    private final Deployment[] byPort = new Deployment[65536];
    private final Counters counters;
    private final boolean bySource;

    PolicyHook(Tenants tenants, String name, HookKind kind, int maxTenants) {
        this.tenants = tenants;
        this.name = name;
        this.kind = kind;
        this.slots = new Deployment[maxTenants];
        this.counters = new Counters("hook." + name, "unowned", "undeployed");
        this.bySource = kind.bySource;
    }

    /**
     * The choice for {@code p} among {@code choices} executors: an index in {@code [0, choices)},
     * {@link MatchingPolicy#PASS} or {@link MatchingPolicy#DROP}. Never throws for the packet's or a
     * policy's sake; allocates nothing.
     */
    public int choose(Packet p, int choices) {
        // Fast path after the transport layer (and on transmit): the port is in the packet's fields,
        // and the input is bound only when a policy will read it.
        PolicyInput in = null;
        final int port;
        if (bySource || p.payloadOffset >= 0) {
            port = bySource ? p.srcPort : p.dstPort;
        } else {
            in = PolicyInput.slotOf(p);
            if (!in.bindFromFrame(p)) return passUnowned();
            port = in.dstPort();
        }
        final Deployment d = (Deployment) SLOT.getAcquire(byPort, port & 0xFFFF);
        if (d == null) return passUndeployed(port);
        if (in == null) {
            in = PolicyInput.slotOf(p);
            in.bindFromFields(p);
        }
        return d.run(in, choices);
    }

    private int passUnowned() {
        counters.inc(UNOWNED);
        return MatchingPolicy.PASS;
    }

    /** Nobody owns the port, or its owner deployed nothing here. */
    private int passUndeployed(int port) {
        counters.inc(tenants.ownerOf(port) == null ? UNOWNED : UNDEPLOYED);
        return MatchingPolicy.PASS;
    }

    /** Installs {@code d} for its tenant, at every port the tenant owns; returns what it replaced, or null. Under the registry's lock. */
    Deployment swap(Tenant t, Deployment d) {
        Deployment old = (Deployment) SLOT.getAndSet(slots, t.id(), d);
        for (int port : t.ports()) SLOT.setRelease(byPort, port, d);
        if (old != null && old != d) old.state(d == null ? Deployment.State.REMOVED : Deployment.State.REPLACED);
        return old;
    }

    /** {@code port} now belongs to {@code owner} (null: to nobody); under the registry's lock. */
    void portOwner(int port, Tenant owner) {
        SLOT.setRelease(byPort, port, owner == null ? null : current(owner.id()));
    }

    Deployment current(int tenantId) { return (Deployment) SLOT.getAcquire(slots, tenantId); }

    /** Takes a faulty deployment out, unless it was already replaced; reports the removal once. */
    void removeFaulty(Deployment d) {
        synchronized (tenants) {
            if (!SLOT.compareAndSet(slots, d.tenant().id(), d, null)) return;
            for (int port : d.tenant().ports()) SLOT.compareAndSet(byPort, port, d, null);
            d.state(Deployment.State.FAULTED);
        }
        tenants.reportRemoval(d);
    }

    public String name() { return name; }
    public HookKind kind() { return kind; }
    public Tenants tenants() { return tenants; }
    /** Inputs whose port no tenant owns (or with no port at all): answered PASS. */
    public long unowned() { return counters.get(UNOWNED); }
    /** Inputs of a tenant with no policy here: answered PASS. */
    public long undeployed() { return counters.get(UNDEPLOYED); }

    @Override
    public String toString() { return "hook " + name + " (" + kind.label() + ")"; }
}
