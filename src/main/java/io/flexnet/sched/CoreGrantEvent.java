// A JFR event when a worker's core is granted or revoked.
package io.flexnet.sched;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Emitted by {@link Worker#setGranted} when the grant changes (a policy that grants again what it
 * granted emits nothing), so a recording shows each worker's core held and lost as it happened.
 * Changes come at the core policy's period at most, so no throttle is needed.
 */
@Name("flexnet.CoreGrant") @Label("Core grant") @Category({"FlexNet"}) @StackTrace(false)
@Description("A worker's core granted or revoked by the core policy")
final class CoreGrantEvent extends Event {
    @Label("Worker") String worker;
    @Label("Granted") boolean granted;

    static void emit(String worker, boolean granted) {
        CoreGrantEvent e = new CoreGrantEvent();
        if (!e.shouldCommit()) return;
        e.worker = worker;
        e.granted = granted;
        e.commit();
    }
}
