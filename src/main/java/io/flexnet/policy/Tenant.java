package io.flexnet.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application sharing the stack: the ports it owns, its policies at each hook, and its maps. Made
 * by {@link Tenants#register}. Its policies only ever see inputs for its ports, and its maps are its
 * own unless it hands one to another tenant on purpose ({@link #adoptMap}).
 */
public final class Tenant {
    private final Tenants registry;
    private final int id;
    private final String name;
    private final TreeSet<Integer> ports = new TreeSet<>();
    private final Map<String, PolicyMap> maps = new ConcurrentHashMap<>();
    private final Map<PolicyHook, Deployment> deployments = new ConcurrentHashMap<>();
    private final AtomicLong faults = new AtomicLong();

    Tenant(Tenants registry, int id, String name) {
        this.registry = registry;
        this.id = id;
        this.name = name;
    }

    /**
     * Deploys {@code policy} at {@code hook}, replacing this tenant's policy there if any, while
     * traffic flows. With no {@code executors} the policy chooses among all of the hook's choices;
     * otherwise its index {@code i} means the hook's choice {@code executors[i]} (Syrup's executor
     * map), and it owns only those. Creates the maps the policy declares, or reuses this tenant's
     * maps of the same names.
     */
    public Deployment deploy(PolicyHook hook, MatchingPolicy policy, int... executors) {
        if (hook.tenants() != registry) throw new IllegalArgumentException(hook + " belongs to another registry");
        synchronized (registry) {
            if (registry.tenant(name) != this) throw new IllegalStateException(name + " is not registered");
            List<MapSpec> specs = policy.maps();
            PolicyMap[] resolved = new PolicyMap[specs.size()];
            for (int i = 0; i < resolved.length; i++) resolved[i] = createMap(specs.get(i));
            int[] ex = null;
            if (executors != null && executors.length > 0) {
                ex = executors.clone();
                for (int e : ex) if (e < 0) throw new IllegalArgumentException("executor " + e + " < 0");
            }
            Deployment d = new Deployment(this, hook, policy, ex, resolved);
            hook.swap(this, d);
            deployments.put(hook, d);
            return d;
        }
    }

    /** Takes this tenant's policy out of {@code hook}; its inputs get the hook's default. */
    public boolean remove(PolicyHook hook) {
        synchronized (registry) {
            deployments.remove(hook);
            return hook.swap(this, null) != null;
        }
    }

    /** The active deployment at {@code hook}, or null. */
    public Deployment deployment(PolicyHook hook) {
        Deployment d = hook.current(id);
        return d != null && d.tenant() == this ? d : null;
    }

    void forget(Deployment d) { deployments.remove(d.hook(), d); }

    /**
     * This tenant's map of that name, creating it if absent. An existing map must match the spec's
     * layout and capacity. A pinned spec lives in {@code pinDirectory/<tenant>/<name>.map}.
     */
    public PolicyMap createMap(MapSpec spec) {
        synchronized (maps) {
            PolicyMap m = maps.get(spec.name());
            if (m != null) {
                if (m.layout() != spec.layout() || m.capacity() != spec.capacity()) {
                    throw new IllegalArgumentException(name + " already has map '" + spec.name() + "' as "
                            + m.layout() + "/" + m.capacity() + ", not " + spec.layout() + "/" + spec.capacity());
                }
                return m;
            }
            if (spec.pinned()) {
                Path dir = registry.pinDirectory();
                if (dir == null) throw new IllegalStateException("map '" + spec.name() + "' is pinned but no pin directory is set");
                m = Maps.pinned(pinPath(dir, spec.name()), spec);
            } else {
                m = Maps.allocate(spec);
            }
            maps.put(spec.name(), m);
            return m;
        }
    }

    /** Where a pinned map of this tenant lives. */
    public Path pinPath(Path dir, String map) { return dir.resolve(name).resolve(map + ".map"); }

    /** The map of that name, as the application reads and writes it. */
    public PolicyMap map(String name) {
        PolicyMap m = maps.get(name);
        if (m == null) throw new IllegalArgumentException(this.name + " has no map '" + name + "'");
        return m;
    }

    /** Shares another tenant's map on purpose, under its own name. */
    public void adoptMap(PolicyMap m) {
        synchronized (maps) {
            if (maps.containsKey(m.name())) throw new IllegalArgumentException(name + " already has map '" + m.name() + "'");
            maps.put(m.name(), m);
        }
    }

    void closeMaps() {
        synchronized (maps) {
            for (PolicyMap m : maps.values()) m.close();
            maps.clear();
        }
    }

    /** Claims another port. */
    public void claim(int port) { registry.claim(this, port); }

    /** Gives a port up. */
    public void release(int port) { registry.release(this, port); }

    synchronized void addPort(int port) { ports.add(port); }

    synchronized void removePort(int port) { ports.remove(port); }

    public synchronized int[] ports() {
        int[] a = new int[ports.size()];
        int i = 0;
        for (int p : ports) a[i++] = p;
        return a;
    }

    public synchronized boolean owns(int port) { return ports.contains(port); }

    void countFault() { faults.incrementAndGet(); }

    /** Faults of all this tenant's policies, at every hook, since registration. */
    public long faults() { return faults.get(); }

    public int id() { return id; }
    public String name() { return name; }
    Tenants registry() { return registry; }

    @Override
    public String toString() { return "tenant " + name + "#" + id; }
}
