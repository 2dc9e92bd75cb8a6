package io.flexnet.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's quantum flag, Concord's polled deadline: the worker says when a slice of a request
 * begins and ends, a {@link QuantumTimer} raises the flag once the slice has run {@link #lengthNanos()},
 * and the request's handler polls it at its yield points. A poll is one opaque load and a test (no clock
 * read, no system call), so a handler may poll every few hundred nanoseconds of work.
 *
 * <pre>{@code
 * // In a handler: do the work in steps, stop when the quantum is spent.
 * while (left > 0) {
 *     left -= step();
 *     if (quantum.yieldPoint()) { co.setProgress(left); return Application.PREEMPTED; }
 * }
 * }</pre>
 *
 * <p>The flag is one word: epoch (bumped by every {@link #begin} and {@link #end}), running and expired
 * bits. The timer raises it by compare-and-set against the word it read, so a slice that ended (and a
 * new one that began) while the timer was looking is never hit by the old slice's expiry. Only the
 * worker writes the epoch; {@link #NEVER} is the flag of executors that do not preempt.
 */
public final class Quantum {
    /** A flag that never rises: what a handler sees under an executor that runs requests to completion. */
    public static final Quantum NEVER = new Quantum("never", Long.MAX_VALUE, null);

    private static final long EXPIRED = 1, RUNNING = 2, EPOCH = 4;
    private static final VarHandle STATE, START;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Quantum.class, "state", long.class);
            START = l.findVarHandle(Quantum.class, "startNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // The flag sits alone on its cache line: the timer writes it, the worker polls it, nothing else shares it.
    @SuppressWarnings("unused") private long p01, p02, p03, p04, p05, p06, p07;
    @SuppressWarnings("unused") private long state;
    @SuppressWarnings("unused") private long startNanos;
    @SuppressWarnings("unused") private long p11, p12, p13, p14, p15, p16;

    private final String name;
    private final long lengthNanos;
    private final QuantumTimer timer;
    /** The worker's own copy of the epoch bits, so it never reads the shared word to bump it. */
    private long epoch;
    private long raised;

    Quantum(String name, long lengthNanos, QuantumTimer timer) {
        if (lengthNanos <= 0) throw new IllegalArgumentException("a quantum must be > 0 ns, got " + lengthNanos);
        this.name = name;
        this.lengthNanos = lengthNanos;
        this.timer = timer;
    }

    /**
     * The yield point: true when the slice's quantum is spent and the handler should stop and return
     * {@code PREEMPTED}. An opaque read: never hoisted out of a handler's loop, no fence.
     */
    public boolean yieldPoint() { return ((long) STATE.getOpaque(this) & EXPIRED) != 0; }

    /**
     * For work that reads the clock anyway (a spin on it, a rate limiter): true when a slice is running
     * and has run its length by {@code now}, whether or not the timer has raised the flag yet. Costs
     * two loads; saves waiting for a timer the OS may wake late.
     */
    public boolean dueAt(long now) {
        long s = (long) STATE.getOpaque(this);
        return (s & RUNNING) != 0 && now - (long) START.getOpaque(this) >= lengthNanos;
    }

    /**
     * When the running slice's quantum is spent: its start plus {@link #lengthNanos()}, or
     * {@link Long#MAX_VALUE} when no slice runs or the flag is up already. For a runtime that moves its
     * clock itself (the simulated one), which charges work up to this point instead of polling.
     */
    public long deadline() {
        long s = (long) STATE.getOpaque(this);
        if ((s & RUNNING) == 0 || (s & EXPIRED) != 0) return Long.MAX_VALUE;
        return (long) START.getOpaque(this) + lengthNanos;
    }

    /** False for {@link #NEVER}: the executor running the request cannot take it back. */
    public boolean preempts() { return this != NEVER; }

    /**
     * The worker starts a slice at {@code nowNanos} (its round's time: no clock read here; a stale time
     * only makes the slice shorter). The start is written before the word that publishes it.
     */
    public void begin(long nowNanos) {
        START.setOpaque(this, nowNanos);
        epoch += EPOCH;
        STATE.setRelease(this, epoch | RUNNING);
    }

    /** The worker's slice is over (finished, parked or preempted): the timer stops timing it. */
    public void end() {
        epoch += EPOCH;
        STATE.setRelease(this, epoch);
    }

    /**
     * Timer side: raises the flag if the running slice's deadline is at or before {@code now}. Returns
     * the deadline still pending, or {@link Long#MAX_VALUE} when nothing is to be timed.
     */
    long raiseIfDue(long now) {
        long s = (long) STATE.getAcquire(this);
        if ((s & RUNNING) == 0 || (s & EXPIRED) != 0) return Long.MAX_VALUE;
        long deadline = (long) START.getOpaque(this) + lengthNanos;
        if (now - deadline < 0) return deadline;
        // Fails harmlessly if the worker ended the slice (or began another) since the read above.
        if (STATE.compareAndSet(this, s, s | EXPIRED)) raised++;
        return Long.MAX_VALUE;
    }

    /** Stops being timed; the timer's thread ends when it times nothing. */
    public void close() {
        if (timer != null) timer.remove(this);
    }

    public String name() { return name; }

    public long lengthNanos() { return lengthNanos; }

    /** Times the timer raised this flag (read racily; for reports). */
    public long raised() { return raised; }

    @Override
    public String toString() { return "quantum " + name + " " + lengthNanos + " ns"; }
}
