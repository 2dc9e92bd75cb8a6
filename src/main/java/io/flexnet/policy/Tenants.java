package io.flexnet.policy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry of applications sharing a stack (Syrup's {@code syrupd}): which tenant owns which port,
 * the hooks policies can be deployed at, and what happens to a policy that keeps failing.
 *
 * <pre>{@code
 * Tenants tenants = new Tenants();
 * Tenant kv = tenants.register("kv", 9000);
 * PolicyHook sockets = tenants.hook("sockets", HookKind.SOCKET);
 * kv.deploy(sockets, new Sita());                // only ever sees datagrams for port 9000
 * tenants.addRemovalListener((d, t) -> log(d + " removed: " + t));
 * }</pre>
 *
 * One port has at most one owner (TCP and UDP share the number). Registration and deployment take a
 * lock; the per-packet lookups ({@link #ownerOf}) take none.
 */
public final class Tenants implements AutoCloseable {
    public static final int DEFAULT_MAX_TENANTS = 256;
    public static final int DEFAULT_FAULT_THRESHOLD = 100;

    private static final VarHandle OWNER = MethodHandles.arrayElementVarHandle(Tenant[].class);

    private final Tenant[] owners = new Tenant[65536];
    private final Tenant[] byId;
    private final List<PolicyHook> hooks = new CopyOnWriteArrayList<>();
    private final List<PolicyRemovalListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong removals = new AtomicLong();
    private final AtomicLong listenerFaults = new AtomicLong();
    private volatile int faultThreshold = DEFAULT_FAULT_THRESHOLD;
    private volatile boolean countDecisions;
    private volatile Path pinDirectory;

    public Tenants() { this(DEFAULT_MAX_TENANTS); }

    public Tenants(int maxTenants) {
        if (maxTenants < 1) throw new IllegalArgumentException("maxTenants must be >= 1");
        this.byId = new Tenant[maxTenants];
    }

    /** Registers an application owning {@code ports}; fails if any is owned already. */
    public synchronized Tenant register(String name, int... ports) {
        if (name == null || !name.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("tenant name must be 1-63 of [A-Za-z0-9_.-] (it names a directory): " + name);
        }
        for (Tenant t : byId) {
            if (t != null && t.name().equals(name)) throw new IllegalArgumentException("tenant '" + name + "' exists");
        }
        int id = -1;
        for (int i = 0; i < byId.length && id < 0; i++) if (byId[i] == null) id = i;
        if (id < 0) throw new IllegalStateException("all " + byId.length + " tenant ids are in use");
        for (int port : ports) checkFree(port);
        Tenant t = new Tenant(this, id, name);
        byId[id] = t;
        for (int port : ports) claim(t, port);
        return t;
    }

    private void checkFree(int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " out of range");
        Tenant owner = owners[port];
        if (owner != null) throw new IllegalArgumentException("port " + port + " belongs to " + owner.name());
    }

    synchronized void claim(Tenant t, int port) {
        if (byId[t.id()] != t) throw new IllegalStateException(t.name() + " is not registered");
        checkFree(port);
        t.addPort(port);
        OWNER.setRelease(owners, port, t);
        for (PolicyHook h : hooks) h.portOwner(port, t);
    }

    synchronized void release(Tenant t, int port) {
        if (port >= 0 && port <= 65535 && owners[port] == t) {
            for (PolicyHook h : hooks) h.portOwner(port, null);
            OWNER.setRelease(owners, port, null);
            t.removePort(port);
        }
    }

    /** Removes the tenant: frees its ports, takes its policies out of every hook, unmaps its maps. */
    public synchronized void unregister(Tenant t) {
        if (byId[t.id()] != t) return;
        for (int port : t.ports()) release(t, port);
        for (PolicyHook h : hooks) h.swap(t, null);
        byId[t.id()] = null;
        t.closeMaps();
    }

    /** The tenant owning {@code port}, or null. Acquire read: sees a registration completely or not at all. */
    public Tenant ownerOf(int port) { return (Tenant) OWNER.getAcquire(owners, port & 0xFFFF); }

    public synchronized Tenant tenant(String name) {
        for (Tenant t : byId) if (t != null && t.name().equals(name)) return t;
        return null;
    }

    public synchronized List<Tenant> tenants() {
        List<Tenant> all = new ArrayList<>();
        for (Tenant t : byId) if (t != null) all.add(t);
        return all;
    }

    /** A new hook where tenants can deploy policies. */
    public synchronized PolicyHook hook(String name, HookKind kind) {
        PolicyHook h = new PolicyHook(this, name, kind, byId.length);
        hooks.add(h);
        return h;
    }

    public List<PolicyHook> hooks() { return List.copyOf(hooks); }

    /**
     * After this many faults (exceptions or indexes it does not own) a deployment is removed from its
     * hook and the removal reported; its tenant's inputs then get the hook's default. Default
     * {@value #DEFAULT_FAULT_THRESHOLD}: high enough that a rare bad input does not cost a tenant its
     * policy, low enough that a broken one is gone within a fraction of a millisecond of traffic.
     */
    public Tenants faultThreshold(int faults) {
        if (faults < 1) throw new IllegalArgumentException("fault threshold must be >= 1");
        this.faultThreshold = faults;
        return this;
    }

    public int faultThreshold() { return faultThreshold; }

    /**
     * Whether deployments made from now on count every answer of their policy. Off by default, as
     * Linux keeps eBPF programs' run counts off unless {@code kernel.bpf_stats_enabled} is set:
     * counting a choice adds about half of a round-robin policy's whole call at the socket hook
     * (8.3 ns against 5.8 ns, {@code PolicyBench.rrAtSocketHookCounted}). Drops and faults are
     * counted either way.
     */
    public Tenants countDecisions(boolean on) {
        this.countDecisions = on;
        return this;
    }

    public boolean countsDecisions() { return countDecisions; }

    /** Where pinned maps live: {@code dir/<tenant>/<map>.map}. */
    public Tenants pinDirectory(Path dir) {
        this.pinDirectory = dir;
        return this;
    }

    public Path pinDirectory() { return pinDirectory; }

    public void addRemovalListener(PolicyRemovalListener l) { listeners.add(l); }

    public void removeRemovalListener(PolicyRemovalListener l) { listeners.remove(l); }

    /** Policies removed for faults since start. */
    public long removals() { return removals.get(); }

    /** Removal listeners that threw (swallowed: a report must not turn into a packet fault). */
    public long listenerFaults() { return listenerFaults.get(); }

    void reportRemoval(Deployment d) {
        removals.incrementAndGet();
        d.tenant().forget(d);
        for (PolicyRemovalListener l : listeners) {
            try {
                l.removed(d, d.lastFault());
            } catch (Throwable t) {
                listenerFaults.incrementAndGet();
            }
        }
    }

    /** Unregisters every tenant, unmapping their maps. */
    @Override
    public synchronized void close() {
        for (Tenant t : byId) if (t != null) unregister(t);
    }
}
