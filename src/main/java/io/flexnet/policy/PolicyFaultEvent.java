// A JFR event for a fault of a tenant's policy: it threw, or answered out of turn.
package io.flexnet.policy;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Throttle;

/**
 * Emitted by a {@link Deployment} for each fault of its policy, with the count so far and whether
 * this one reached the threshold that removes the policy. A policy faults at most until its
 * threshold, but many tenants' policies could fault at once, so JFR keeps at most 100 a second.
 */
@Name("flexnet.PolicyFault") @Label("Policy fault") @Category({"FlexNet"}) @StackTrace(false) @Throttle("100/s")
@Description("A tenant's policy threw or answered an index it does not own; the input fell back to PASS")
final class PolicyFaultEvent extends Event {
    @Label("Tenant") String tenant;
    @Label("Hook") String hook;
    @Label("Policy") String policy;
    @Label("Fault") String fault;
    @Label("Faults") long faults;
    @Label("Removed") boolean removed;

    static void emit(Deployment d, Throwable t, long faults, boolean removed) {
        PolicyFaultEvent e = new PolicyFaultEvent();
        if (!e.shouldCommit()) return;
        e.tenant = d.tenant().name();
        e.hook = d.hook().name();
        e.policy = d.policy().name();
        e.fault = t == null ? "an index the policy does not own" : t.toString();
        e.faults = faults;
        e.removed = removed;
        e.commit();
    }
}
