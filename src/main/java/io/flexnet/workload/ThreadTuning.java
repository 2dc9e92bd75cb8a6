// Helps the generator's thread keep time on Linux: timer slack of 1 ns and a raised scheduling priority.
package io.flexnet.workload;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Two per-thread settings that let an open-loop generator send on time on a machine it shares with
 * the stack under test (and, on a shared machine, with other programs):
 * <ul>
 *   <li>{@link #timerSlack}: Linux delays a thread's timer wake-ups by its timer slack, 50 µs by
 *       default, to batch them; a generator parking until just before a send would oversleep by that
 *       much. At 1 ns a park overshoots by the wake-up latency alone (measured here: ~70 µs median
 *       before, ~20 µs after), so the generator can park between requests instead of spinning a core.
 *   <li>{@link #nice}: a lower nice value, so a waking generator preempts busy-polling stack workers
 *       and background work instead of waiting out their time slice, as a NIC's interrupt would.
 *       Needs privilege (root or CAP_SYS_NICE); without it nothing changes and the generator's
 *       lateness, which the report shows, says what that cost.
 * </ul>
 * Both are best effort: false where the platform or the permissions do not allow them.
 */
public final class ThreadTuning {
    /** include/uapi/linux/prctl.h */
    private static final int PR_SET_TIMERSLACK = 29;
    /** include/uapi/linux/resource.h: a "process" here is the thread whose id is given. */
    private static final int PRIO_PROCESS = 0;
    private static final MethodHandle PRCTL, GETTID, SETPRIORITY;

    static {
        MethodHandle prctl = null, gettid = null, setpriority = null;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Linker l = Linker.nativeLinker();
                SymbolLookup libc = l.defaultLookup();
                prctl = l.downcallHandle(libc.find("prctl").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                        Linker.Option.firstVariadicArg(1));
                gettid = l.downcallHandle(libc.find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
                setpriority = l.downcallHandle(libc.find("setpriority").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            } catch (RuntimeException | LinkageError e) {
                // No native access or an old C library: the generator keeps time less well, and says so.
            }
        }
        PRCTL = prctl;
        GETTID = gettid;
        SETPRIORITY = setpriority;
    }

    private ThreadTuning() {}

    /** Sets the calling thread's timer slack; false where that is not possible. */
    public static boolean timerSlack(long nanos) {
        if (PRCTL == null) return false;
        try {
            return (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, nanos) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Sets the calling thread's nice value (-20..19, lower runs sooner); false where not permitted. */
    public static boolean nice(int nice) {
        if (GETTID == null || SETPRIORITY == null) return false;
        try {
            int tid = (int) GETTID.invokeExact();
            return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
