package io.flexnet.runtime;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Narrows the calling thread's timer slack on Linux ({@code prctl(PR_SET_TIMERSLACK)}), so a park of
 * a few microseconds wakes within tens of them rather than the default 50 µs later. Best effort: on
 * another OS, or without native access, it does nothing and says so by returning false.
 */
final class TimerSlack {
    private static final int PR_SET_TIMERSLACK = 29;
    private static final MethodHandle PRCTL = find();

    private TimerSlack() {}

    private static MethodHandle find() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("prctl").map(addr -> linker.downcallHandle(addr,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(1))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;  // no native access: parks keep the default slack
        }
    }

    /** Sets the calling thread's slack to {@code nanos}; true if the OS took it. */
    static boolean set(long nanos) {
        if (PRCTL == null) return false;
        try {
            return (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, nanos) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
