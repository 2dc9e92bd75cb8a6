// A JFR event for an exception an executor threw, which its worker contained.
package io.flexnet.sched;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Throttle;

/**
 * Emitted by a {@link Worker} for each fault it contains. An executor that throws on every round
 * would throw millions of times a second, so JFR keeps at most 100 a second; the worker's fault
 * counters stay exact.
 */
@Name("flexnet.ExecutorFault") @Label("Executor fault") @Category({"FlexNet"}) @StackTrace(false) @Throttle("100/s")
@Description("An exception an executor threw, contained by its worker")
final class ExecutorFaultEvent extends Event {
    @Label("Worker") String worker;
    @Label("Executor") String executor;
    @Label("Fault") String fault;

    static void emit(String worker, Executor executor, Throwable t) {
        ExecutorFaultEvent e = new ExecutorFaultEvent();
        if (!e.shouldCommit()) return;
        e.worker = worker;
        e.executor = executor.name();
        e.fault = String.valueOf(t);
        e.commit();
    }
}
