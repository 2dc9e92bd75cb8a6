package io.flexnet.runtime;

import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Raises workers' {@link Quantum} flags when their slices have run their length: the part of Concord's
 * dispatcher that watches the clock, so the workers' yield points never read it. One thread per
 * runtime ({@link #of}), started by the first quantum made and ended when the last is closed; it reads
 * the clock through its runtime, so a simulated runtime times slices in virtual time.
 *
 * <p>How the thread waits for the nearest deadline is its {@link Wait}: {@link Wait#SPIN} keeps
 * checking, yielding its core between checks (Concord's dispatcher, a core's worth of CPU while any
 * slice runs, flags raised within a check of their deadline); {@link Wait#SLEEP} parks until the
 * deadline with the thread's timer slack narrowed, costing a wake-up per slice that is still running
 * at its deadline check, and raising flags as late as the OS wakes it (about 20 µs on a shared VM).
 * A flag is never raised early. When no slice has run for a millisecond either kind parks
 * {@value #IDLE_PARK_NANOS} ns at a time, so a slice that begins then may be raised that much late.
 *
 * <pre>{@code
 * Quantum q = runtime.quantumTimer(Wait.SLEEP).quantum("w0", 10_000);   // 10 µs slices on w0
 * ...
 * q.close();                                                  // the thread stops with the last one
 * }</pre>
 *
 * A timer made with {@link #manual} has no thread: a test calls {@link #tick} at the times it scripts.
 */
public final class QuantumTimer {
    private static final long IDLE_AFTER_NANOS = 1_000_000;
    private static final long IDLE_PARK_NANOS = 100_000;
    /**
     * A sleeping timer with nothing running looks again after this long, so a slice that begins then
     * may be raised up to this late; each look is a wake-up costing CPU the worker could use.
     */
    private static final long IDLE_CHECK_NANOS = 50_000;
    /** Park instead of yielding only when the deadline is further than this; parks wake late by tens of µs. */
    private static final long PARK_ABOVE_NANOS = 200_000;
    private static final Map<StackRuntime, QuantumTimer[]> SHARED = new WeakHashMap<>();

    /** How the timer's thread waits between deadlines. */
    public enum Wait {
        /** Check continuously, yielding the core between checks: exact, and a core while slices run. */
        SPIN,
        /** Park until the nearest deadline: cheap, and as late as the OS wakes the thread. */
        SLEEP
    }

    private final StackRuntime runtime;
    private final boolean threaded;
    private final Wait wait;
    /** Replaced whole on every change, so the timer's loop walks an array without locking or allocating. */
    private volatile Quantum[] quanta = new Quantum[0];
    private Thread thread;

    private QuantumTimer(StackRuntime runtime, boolean threaded, Wait wait) {
        this.runtime = java.util.Objects.requireNonNull(runtime);
        this.threaded = threaded;
        this.wait = wait;
    }

    /** The timer of {@code runtime} that waits by {@code wait}, with its own thread while it times any quantum. */
    public static QuantumTimer of(StackRuntime runtime, Wait wait) {
        synchronized (SHARED) {
            QuantumTimer[] timers = SHARED.computeIfAbsent(runtime, r -> new QuantumTimer[Wait.values().length]);
            QuantumTimer t = timers[wait.ordinal()];
            if (t == null) timers[wait.ordinal()] = t = new QuantumTimer(runtime, true, wait);
            return t;
        }
    }

    /** A timer without a thread: flags rise only when the caller {@link #tick}s it. */
    public static QuantumTimer manual(StackRuntime runtime) { return new QuantumTimer(runtime, false, Wait.SLEEP); }

    public Wait waitKind() { return wait; }

    /** A new flag with slices of {@code lengthNanos}, timed from now on. */
    public synchronized Quantum quantum(String name, long lengthNanos) {
        Quantum q = new Quantum(name, lengthNanos, this);
        Quantum[] qs = Arrays.copyOf(quanta, quanta.length + 1);
        qs[qs.length - 1] = q;
        quanta = qs;
        if (threaded && thread == null) {
            thread = runtime.newThread("flexnet-quantum-timer", this::loop);
            thread.start();
        }
        return q;
    }

    synchronized void remove(Quantum q) {
        Quantum[] qs = quanta;
        for (int i = 0; i < qs.length; i++) {
            if (qs[i] == q) {
                Quantum[] rest = new Quantum[qs.length - 1];
                System.arraycopy(qs, 0, rest, 0, i);
                System.arraycopy(qs, i + 1, rest, i, rest.length - i);
                quanta = rest;
                return;
            }
        }
    }

    /** Raises every flag whose slice is due at {@code now}; returns the nearest deadline still pending, or {@link Long#MAX_VALUE}. */
    public long tick(long now) {
        long next = Long.MAX_VALUE;
        for (Quantum q : quanta) {
            long d = q.raiseIfDue(now);
            if (d - next < 0) next = d;
        }
        return next;
    }

    /** How many flags it times now. */
    public int size() { return quanta.length; }

    private void loop() {
        final StackRuntime rt = runtime;
        final boolean spin = wait == Wait.SPIN;
        if (!spin) TimerSlack.set(1_000);
        long lastBusy = rt.nanoTime();
        while (true) {
            if (quanta.length == 0) {
                synchronized (this) {
                    if (quanta.length == 0) {
                        thread = null;
                        return;
                    }
                }
            }
            long now = rt.nanoTime();
            long next = tick(now);
            if (next != Long.MAX_VALUE) {
                lastBusy = now;
                if (!spin) rt.park(next - now);
                else if (next - now > PARK_ABOVE_NANOS) rt.park(next - now - PARK_ABOVE_NANOS / 2);
                else rt.yieldThread();
            } else if (now - lastBusy > IDLE_AFTER_NANOS) {
                rt.park(IDLE_PARK_NANOS);
            } else if (spin) {
                rt.yieldThread();
            } else {
                rt.park(IDLE_CHECK_NANOS);
            }
        }
    }
}
