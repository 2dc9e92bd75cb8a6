package io.flexnet.runtime;

/**
 * What supplies time and threads to the stack. Everything that reads a clock, starts a thread, spins,
 * yields, parks or pins goes through here, so a simulated runtime (virtual time, N simulated cores) can later drive the
 * same executors and policies unchanged.
 */
public interface StackRuntime {
    /** Monotonic nanoseconds. Costly on some machines (tens of ns): read once per batch, not per packet. */
    long nanoTime();

    /** A new, not yet started, platform thread for a stack worker. */
    Thread newThread(String name, Runnable body);

    /** Parks the calling thread for at most {@code nanos} (or until {@link #unpark}). */
    void park(long nanos);

    void unpark(Thread thread);

    /**
     * One turn of a busy wait: the caller spins on a condition and wants the core's attention back at
     * once (the JDK's {@code Thread.onSpinWait}, a PAUSE on x86). Through here, not the JDK, so a
     * simulated runtime can charge the spin to a virtual core instead of burning a real one.
     */
    void spinWait();

    /**
     * Occupies the calling thread for {@code nanos} of CPU: an application's service time, work that
     * holds its core so whatever queues behind it waits. The real runtime spins on its clock; a
     * simulated one charges the time to the virtual core instead.
     */
    default void spend(long nanos) {
        if (nanos <= 0) return;
        final long end = nanoTime() + nanos;
        while (nanoTime() - end < 0) spinWait();
    }

    /**
     * Waits on the calling thread until {@link #nanoTime()} reads at least {@code deadline}: the real
     * runtime spins; a simulated one runs its events up to the deadline.
     */
    default void awaitTime(long deadline) {
        while (nanoTime() - deadline < 0) spinWait();
    }

    /** Offers the calling thread's core to another runnable thread, if there is one. */
    void yieldThread();

    /** Pins the calling thread to {@code core}; false when the platform cannot (said once, elsewhere). */
    boolean pin(int core);

    /** The core the calling thread runs on now, or -1 when unknown. */
    int currentCore();

    /** Cores this runtime offers. */
    int cores();
}
