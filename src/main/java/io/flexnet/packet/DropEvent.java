// A JFR event for one dropped packet: which stage, which reason, how many bytes.
package io.flexnet.packet;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Throttle;

/**
 * Emitted by {@link DropCounters} as each drop happens, so JDK Mission Control shows a drop at its
 * moment, on its thread, beside the JVM's own events. A flood of drops must not become a flood of
 * events: JFR keeps at most {@value #THROTTLE} of them (a recording's {@code throttle} setting changes
 * that); the counters stay exact whatever is kept. A drop that no recording wants costs a flag or
 * two and allocates nothing, also after a recording has come and gone (the allocation tests check
 * the drop paths).
 */
@Name("flexnet.Drop") @Label("Drop") @Category({"FlexNet"}) @StackTrace(false) @Throttle(DropEvent.THROTTLE)
@Description("A packet dropped: the stage that dropped it and why")
public final class DropEvent extends Event {
    /** Events kept at most, as JFR's throttle writes it. */
    public static final String THROTTLE = "1000/s";

    @Label("Stage") String stage;
    @Label("Reason") String reason;
    @Label("Bytes") @DataAmount int bytes;

    /** Looked up once JFR is up, so that a JVM that never records never initialises JFR for it. */
    private static volatile EventType type;

    static void emit(String stage, DropReason reason, int bytes) {
        if (!FlightRecorder.isInitialized()) return;  // a static flag: no recording has ever run
        EventType t = type;
        if (t == null) type = t = EventType.getEventType(DropEvent.class);
        if (!t.isEnabled()) return;  // not recorded now: no event object is made
        DropEvent e = new DropEvent();
        if (!e.shouldCommit()) return;
        e.stage = stage;
        e.reason = reason.label();
        e.bytes = bytes;
        e.commit();
    }
}
