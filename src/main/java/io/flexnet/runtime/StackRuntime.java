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
     * Blocks the calling thread in {@code wait} (poll(2) on a device, see {@link KernelWait}) for at most
     * {@code nanos}, or until the device has data or {@code wait.wake()} is called: the park of a worker
     * whose arrivals the kernel signals. A simulated runtime would charge the time to a virtual core.
     */
    default void await(KernelWait wait, long nanos) { wait.await(nanos); }

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
     * Occupies the calling thread for up to {@code nanos} of CPU, as {@link #spend(long)} does, but stops
     * early once {@code quantum} has expired: a preemptible handler's work. Returns the nanoseconds of
     * work left (0: all done). It polls the flag between clock reads, and since it reads the clock
     * anyway it also stops when the slice's deadline has passed on it ({@link Quantum#dueAt}), so a
     * timer thread the OS wakes late does not stretch the slice.
     */
    default long spend(long nanos, Quantum quantum) {
        if (nanos <= 0) return 0;
        final long end = nanoTime() + nanos;
        while (true) {
            // Work first, then look: a slice whose start was stale still makes progress.
            spinWait();
            long now = nanoTime();
            if (now - end >= 0) return 0;
            if (quantum.yieldPoint() || quantum.dueAt(now)) return end - now;
        }
    }

    /**
     * What raises the workers' quantum flags ({@link Quantum}): a timer reading this runtime's clock.
     * The default is one timer per runtime and kind of wait, with a thread while it times anything; a
     * simulated runtime returns one it ticks in virtual time.
     */
    default QuantumTimer quantumTimer(QuantumTimer.Wait wait) { return QuantumTimer.of(this, wait); }

    /**
     * Waits on the calling thread until {@link #nanoTime()} reads at least {@code deadline}: the real
     * runtime spins; a simulated one runs its events up to the deadline.
     */
    default void awaitTime(long deadline) {
        while (nanoTime() - deadline < 0) spinWait();
    }

    /**
     * Runs {@code action(now)} every {@code periodNanos}, the first time at once, until the returned
     * handle is closed: a user-space agent's epoch (Syrup's token refill, say). The real runtime runs it
     * on a thread of its own, keeping the cadence and restarting it, not bursting, when it fell behind
     * (descheduled); a simulated runtime runs it as a timer event in virtual time, taking no core, as
     * an agent's few instructions per epoch hardly would. Closing waits until no run is under way.
     */
    default AutoCloseable every(String name, long periodNanos, java.util.function.LongConsumer action) {
        if (periodNanos <= 0) throw new IllegalArgumentException(name + ": period must be > 0, got " + periodNanos);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = newThread(name, () -> {
            long next = nanoTime();
            while (!stop.get()) {
                action.accept(nanoTime());
                next += periodNanos;
                long wait = next - nanoTime();
                if (wait > 0) park(wait);
                else next = nanoTime();
            }
        });
        t.setDaemon(true);
        t.start();
        return () -> {
            stop.set(true);
            unpark(t);
            t.join();
        };
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
