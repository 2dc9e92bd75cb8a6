// Lets a thread's timed sleeps end on time (Linux prctl PR_SET_TIMERSLACK), so a generator can park between sends.
package io.flexnet.workload;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Linux lets the kernel delay a thread's timer wake-ups by its timer slack, 50 µs by default, to batch
 * them. A generator that parks until just before a send would then oversleep by that much; setting the
 * calling thread's slack to 1 ns brings a park's overshoot to the wake-up latency alone (measured here:
 * ~70 µs median before, ~20 µs after), so the generator can park between requests instead of spinning
 * a core the stack under test needs.
 */
public final class TimerSlack {
    /** include/uapi/linux/prctl.h */
    private static final int PR_SET_TIMERSLACK = 29;
    private static final MethodHandle PRCTL = bind();

    private TimerSlack() {}

    private static MethodHandle bind() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return null;
        try {
            Linker l = Linker.nativeLinker();
            return l.downcallHandle(l.defaultLookup().find("prctl").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
        } catch (RuntimeException | LinkageError e) {
            return null;  // no native access: parks just oversleep, which lateness then reports
        }
    }

    /** Sets the calling thread's timer slack; false where that is not possible. */
    public static boolean set(long nanos) {
        if (PRCTL == null) return false;
        try {
            return (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, nanos) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
