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
 * <p>Deploying, replacing and removing swap the tenant's slot atomically (a volatile array element);
 * each call reads the slot once, acquiring, so it runs either the old or the new policy, never a
 * mix, and no input is lost during a swap.
 */
public final class PolicyHook {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Deployment[].class);
    private static final int UNOWNED = 0, UNDEPLOYED = 1;

    private final Tenants tenants;
    private final String name;
    private final HookKind kind;
    private final Deployment[] slots;
    private final Counters counters;
    // Copies of what every call reads, one load away instead of two.
    private final InputTable inputs;
    private final Tenant[] owners;
    private final boolean bySource;

    PolicyHook(Tenants tenants, String name, HookKind kind, int maxTenants) {
        this.tenants = tenants;
        this.name = name;
        this.kind = kind;
        this.slots = new Deployment[maxTenants];
        this.counters = new Counters("hook." + name, "unowned", "undeployed");
        this.inputs = tenants.inputs;
        this.owners = tenants.owners;
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
            in = inputs.of(p);
            if (!in.bindFromFrame(p)) return passUnowned();
            port = in.dstPort();
        }
        final Tenant t = Tenants.owner(owners, port);
        if (t == null) return passUnowned();
        final Deployment d = (Deployment) SLOT.getAcquire(slots, t.id());
        if (d == null) {
            counters.inc(UNDEPLOYED);
            return MatchingPolicy.PASS;
        }
        if (in == null) {
            in = inputs.of(p);
            in.bindFromFields(p);
        }
        return d.run(in, choices);
    }

    private int passUnowned() {
        counters.inc(UNOWNED);
        return MatchingPolicy.PASS;
    }

    /** Installs {@code d} for its tenant; returns what it replaced, or null. */
    Deployment swap(int tenantId, Deployment d) {
        Deployment old = (Deployment) SLOT.getAndSet(slots, tenantId, d);
        if (old != null && old != d) old.state(d == null ? Deployment.State.REMOVED : Deployment.State.REPLACED);
        return old;
    }

    Deployment current(int tenantId) { return (Deployment) SLOT.getAcquire(slots, tenantId); }

    /** Takes a faulty deployment out, unless it was already replaced; reports the removal once. */
    void removeFaulty(Deployment d) {
        if (SLOT.compareAndSet(slots, d.tenant().id(), d, null)) {
            d.state(Deployment.State.FAULTED);
            tenants.reportRemoval(d);
        }
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
