package io.flexnet.policy;

/**
 * Told when a faulty policy is taken out of its hook (see {@link Tenants#faultThreshold}). Runs once per
 * removal, on the thread whose call crossed the threshold, so it must be short and must not throw
 * (a throw is swallowed and counted); hand heavier work to another thread.
 */
@FunctionalInterface
public interface PolicyRemovalListener {
    /** {@code lastFault} is the last exception the policy threw, or null when it returned bad indexes. */
    void removed(Deployment deployment, Throwable lastFault);
}
