package io.flexnet.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A runtime whose clock moves only when told: time-driven behaviour (ARP expiry and retries, timers,
 * sojourn times) tested step by step, as smoltcp's tests drive an interface with an explicit
 * {@code Instant}. Threads, spinning, yielding, parking and pinning are the real runtime's: a park still
 * sleeps in real time (bounded by its argument) and leaves this clock where it was.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock(1_000_000_000L);
 * ProtoStack stack = new ProtoStack(cfg, pool, sent::add, clock);
 * clock.advance(3_000_000_000L);        // three seconds later
 * stack.expire();
 * }</pre>
 */
public final class ManualClock implements StackRuntime {
    private static final VarHandle NOW;

    static {
        try {
            NOW = MethodHandles.lookup().findVarHandle(ManualClock.class, "now", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Volatile access: a test thread moves it while stack threads read it. */
    @SuppressWarnings("unused") private long now;

    public ManualClock(long start) { NOW.setVolatile(this, start); }

    public ManualClock() { this(0); }

    @Override public long nanoTime() { return (long) NOW.getVolatile(this); }

    /** Moves the clock forward by {@code nanos} (not backward: the clock is monotonic). */
    public void advance(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("a monotonic clock cannot go back " + nanos + " ns");
        NOW.getAndAdd(this, nanos);
    }

    /** Sets the clock to {@code t}, which must not be earlier than now. */
    public void set(long t) {
        long was = nanoTime();
        if (t < was) throw new IllegalArgumentException("a monotonic clock cannot go back from " + was + " to " + t);
        NOW.setVolatile(this, t);
    }

    @Override public Thread newThread(String name, Runnable body) { return RealRuntime.INSTANCE.newThread(name, body); }
    @Override public void park(long nanos) { RealRuntime.INSTANCE.park(nanos); }
    @Override public void unpark(Thread thread) { RealRuntime.INSTANCE.unpark(thread); }
    @Override public void spinWait() { RealRuntime.INSTANCE.spinWait(); }
    @Override public void yieldThread() { RealRuntime.INSTANCE.yieldThread(); }
    @Override public boolean pin(int core) { return false; }
    @Override public int currentCore() { return -1; }
    @Override public int cores() { return RealRuntime.INSTANCE.cores(); }
}
