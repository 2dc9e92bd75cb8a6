package io.flexnet.sched;

/**
 * Snap's spreading engines: a worker per core, each asleep while it has nothing to do and woken by
 * arrivals (interrupt-driven), so the cores really in use follow the load while the grants stay put.
 * The policy only keeps every worker granted (up to the stack's cores); the sleeping is the workers'
 * idle strategy, {@link SleepUntilKicked}, which {@link #start} requires. The timeline's "awake" column
 * shows the cores in use.
 */
public final class Spreading implements CorePolicy {
    @Override
    public void start(Signals s, Cores cores) {
        for (int w = 0; w < s.workers(); w++) {
            if (!s.sleepsWhenIdle(w)) {
                throw new IllegalStateException("spreading workers sleep until kicked, but worker " + w
                        + " polls: give it SleepUntilKicked, or use Dedicated");
            }
        }
        onPeriod(s, cores);
    }

    @Override
    public void onPeriod(Signals s, Cores cores) {
        for (int w = 0; w < s.workers() && s.coresFree() > 0; w++) {
            if (!s.granted(w)) cores.grant(w);
        }
    }
}
