package io.flexnet.socket;

import io.flexnet.runtime.StackRuntime;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Threads waiting on a stream socket for a condition (readable, writable, connected, a connection to
 * accept), parked through the runtime and unparked by the connection's notifier: no polling, no spin
 * in blocking mode.
 *
 * <p>The handshake is Dekker's. A waiter adds itself to {@code count} (volatile) and then tests its
 * condition again before it parks; the notifier runs after the connection changed, issues a full
 * fence and reads {@code count}. Either the notifier sees the waiter and unparks it, or the waiter's
 * second test sees the change. An unpark before the park leaves a permit, so the park returns at once.
 * The notifier costs one fence and one read while nobody waits.
 */
final class Waiters {
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(Waiters.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final StackRuntime runtime;
    /** Parked or about to park; slots are reused, the array grows only past its most waiters yet. */
    private Thread[] threads = new Thread[2];
    @SuppressWarnings("unused")
    private volatile int count;

    Waiters(StackRuntime runtime) { this.runtime = runtime; }

    /** From the notifier, after the change: wakes every waiter, each to test its own condition. */
    void wakeAll() {
        VarHandle.fullFence();
        if ((int) COUNT.getVolatile(this) == 0) return;
        synchronized (this) {
            for (Thread t : threads) if (t != null) runtime.unpark(t);
        }
    }

    /**
     * Waits until {@code ready} holds: true then, false when {@code nanos} passed first (negative: no
     * limit) or the thread was interrupted (the flag kept set). With {@code spinNanos} it first spins
     * that long (busy polling), then parks.
     */
    boolean await(BooleanSupplier ready, long nanos, long spinNanos) {
        if (ready.getAsBoolean()) return true;
        if (nanos == 0) return false;
        final StackRuntime rt = runtime;
        final long start = rt.nanoTime();
        if (spinNanos > 0) {
            long spin = nanos >= 0 ? Math.min(spinNanos, nanos) : spinNanos;
            do {
                rt.spinWait();
                if (ready.getAsBoolean()) return true;
            } while (rt.nanoTime() - start < spin);
        }
        final Thread me = Thread.currentThread();
        int slot = enter(me);
        try {
            for (;;) {
                VarHandle.fullFence();
                if (ready.getAsBoolean()) return true;
                if (me.isInterrupted()) return false;
                long left = Long.MAX_VALUE;
                if (nanos >= 0) {
                    left = nanos - (rt.nanoTime() - start);
                    if (left <= 0) return false;
                }
                rt.park(left);
            }
        } finally {
            leave(slot);
        }
    }

    private synchronized int enter(Thread t) {
        int slot = -1;
        for (int i = 0; i < threads.length && slot < 0; i++) if (threads[i] == null) slot = i;
        if (slot < 0) {
            slot = threads.length;
            threads = Arrays.copyOf(threads, slot * 2);
        }
        threads[slot] = t;
        COUNT.getAndAdd(this, 1);
        return slot;
    }

    private synchronized void leave(int slot) {
        threads[slot] = null;
        COUNT.getAndAdd(this, -1);
    }

    int waiting() { return (int) COUNT.getVolatile(this); }
}
