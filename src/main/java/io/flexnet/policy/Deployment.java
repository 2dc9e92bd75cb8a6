package io.flexnet.policy;

import io.flexnet.packet.Counters;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One tenant's policy at one hook: the policy, the executors it owns there, its maps, and what it
 * decided. Runs the policy for an input and turns its answer into the hook's answer, containing
 * faults so that they reach no other tenant.
 */
public final class Deployment {
    /** Why a deployment left its hook. */
    public enum State { ACTIVE, REPLACED, REMOVED, FAULTED }

    private static final int CHOSEN = 0, PASSED = 1, DROPPED = 2, FAULTS = 3;

    private final Tenant tenant;
    private final PolicyHook hook;
    private final MatchingPolicy policy;
    /** Policy index to hook choice; null means the identity over all of the hook's choices. */
    private final int[] executors;
    private final PolicyMap[] maps;
    private final int tenantId;
    private final Counters counters;
    /** Count chosen and pass answers too ({@link Tenants#countDecisions}), fixed at deployment. */
    private final boolean counting;
    /** Exact fault count for the threshold (faults are rare: an atomic is cheap enough). */
    private final AtomicLong faults = new AtomicLong();
    private volatile Throwable lastFault;
    private volatile State state = State.ACTIVE;

    Deployment(Tenant tenant, PolicyHook hook, MatchingPolicy policy, int[] executors, PolicyMap[] maps) {
        this.tenant = tenant;
        this.hook = hook;
        this.policy = policy;
        this.executors = executors;
        this.maps = maps.length == 0 ? PolicyInput.NO_MAPS : maps;
        this.tenantId = tenant.id();
        this.counters = new Counters("policy." + tenant.name() + "." + hook.name() + "." + policy.name(),
                "chosen", "pass", "drop", "fault");
        this.counting = tenant.registry().countsDecisions();
    }

    /** Runs the policy for a bound input; returns a hook choice in {@code [0, hookChoices)}, PASS or DROP. */
    int run(PolicyInput in, int hookChoices) {
        final int[] ex = executors;
        final int n = ex == null ? hookChoices : ex.length;
        in.choices = n;
        // Stored only when it changes: a reference store into an old object costs a G1 card-marking
        // fence, and most inputs see the same maps (most policies have none) call after call.
        if (in.maps != maps) in.maps = maps;
        in.tenant = tenantId;
        int r;
        try {
            r = policy.schedule(in);
        } catch (Throwable t) {
            return faultSlow(t);
        }
        if (r >= 0 && r < n) {
            int c = ex == null ? r : ex[r];
            if (c < hookChoices) {
                if (counting) counters.inc(CHOSEN);
                return c;
            }
            return faultSlow(null);  // an executor the hook no longer has
        }
        if (r == MatchingPolicy.PASS) {
            if (counting) counters.inc(PASSED);
            return r;
        }
        if (r == MatchingPolicy.DROP) {
            counters.inc(DROPPED);
            return r;
        }
        return faultSlow(null);  // an index the policy does not own
    }

    private int faultSlow(Throwable t) {
        counters.inc(FAULTS);
        if (t != null) lastFault = t;
        tenant.countFault();
        long n = faults.incrementAndGet();
        boolean remove = n >= tenant.registry().faultThreshold();
        PolicyFaultEvent.emit(this, t, n, remove);
        if (remove) hook.removeFaulty(this);
        return MatchingPolicy.PASS;
    }

    void state(State s) { state = s; }

    public Tenant tenant() { return tenant; }
    public PolicyHook hook() { return hook; }
    public MatchingPolicy policy() { return policy; }
    public State state() { return state; }
    /** Executors the policy owns at the hook (copy), or null for all of the hook's choices. */
    public int[] executors() { return executors == null ? null : executors.clone(); }
    /** Answers that chose an executor; needs {@link Tenants#countDecisions} on at deployment. */
    public long chosen() { return counted(CHOSEN); }
    /** PASS answers; needs {@link Tenants#countDecisions} on at deployment. */
    public long passed() { return counted(PASSED); }
    /** DROP answers, always counted. */
    public long dropped() { return counters.get(DROPPED); }
    /** Calls that threw or returned an index the policy does not own; each fell back to PASS. */
    public long faults() { return faults.get(); }
    /** Every call this deployment answered: chosen + pass + drop + fault; needs {@link Tenants#countDecisions}. */
    public long calls() { return counted(CHOSEN) + counters.get(PASSED) + counters.get(DROPPED) + counters.get(FAULTS); }

    /** Whether chosen and pass answers are counted: {@link Tenants#countDecisions} when it was deployed. */
    public boolean counting() { return counting; }

    private long counted(int counter) {
        if (!counting) {
            throw new IllegalStateException(this + " does not count decisions: call Tenants.countDecisions(true) before deploying");
        }
        return counters.get(counter);
    }

    public Throwable lastFault() { return lastFault; }

    @Override
    public String toString() {
        return policy.name() + "@" + hook.name() + " for " + tenant.name() + " " + state
                + (counting ? " " + counters : " drop=" + dropped() + " fault=" + faults());
    }
}
