package io.flexnet.engine;

import io.flexnet.proto.LayerContext;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.runtime.sim.SimRuntime;
import io.flexnet.runtime.sim.SimTimer;

/**
 * The thread that drives a running engine's TCP timers: it reads the runtime's clock, calls
 * {@link Tcp#tick}, which fires what is due (a connection owned by a worker at that moment runs its
 * timers when the worker lets go), and parks until the next deadline — at least one wheel tick, at most
 * {@link #MAX_SLEEP} — and is unparked when a timer is armed earlier than that. One thread per stack,
 * never one per connection or timer; a stack with no timer armed costs ten wake-ups a second. On the
 * simulated runtime, which runs no platform thread, the same driving is one timer event in virtual
 * time ({@link #startSimulated}), set at the next deadline and moved earlier when a timer is armed
 * sooner; with no timer armed it costs nothing. A test with a manual clock calls {@code tick} itself.
 */
final class TcpTimers implements Runnable {
    private final Tcp tcp;
    private final StackRuntime runtime;
    private final long tickNanos;
    static final long MAX_SLEEP = 100_000_000L;
    private volatile boolean running = true;
    private Thread thread;
    private SimTimer simTimer;

    TcpTimers(Tcp tcp, StackRuntime runtime) {
        this.tcp = tcp;
        this.runtime = runtime;
        this.tickNanos = tcp.config().tickNanos();
    }

    void start() {
        thread = runtime.newThread("tcp-timers", this);
        thread.setDaemon(true);
        Thread t = thread;
        tcp.onEarlierDeadline(() -> runtime.unpark(t));
        thread.start();
    }

    /** Drives the timers as events of {@code sim}, in virtual time. */
    void startSimulated(SimRuntime sim) {
        LayerContext cx = new LayerContext();
        SimTimer t = sim.timer(now -> {
            cx.setNow(now);
            try {
                tcp.tick(cx);
            } catch (RuntimeException | Error e) {
                tcp.counters().inc(tcp.counters().indexOf("timer-faults"));
            }
            long next = tcp.nextDeadline();
            if (next != Long.MAX_VALUE) simTimer.at(Math.max(next, now + tickNanos));
        });
        simTimer = t;
        tcp.onEarlierDeadline(() -> t.at(tcp.nextDeadline()));  // the runtime sets a past time to now
        long next = tcp.nextDeadline();
        if (next != Long.MAX_VALUE) t.at(next);
    }

    @Override
    public void run() {
        LayerContext cx = new LayerContext();
        while (running) {
            cx.setNow(runtime.nanoTime());
            try {
                tcp.tick(cx);
            } catch (RuntimeException | Error e) {
                // A fault in one connection's timer must not stop every other connection's.
                tcp.counters().inc(tcp.counters().indexOf("timer-faults"));  // counted, and the next tick goes on
            }
            long now = runtime.nanoTime();
            long next = tcp.nextDeadline();
            long wait = next == Long.MAX_VALUE ? MAX_SLEEP : Math.max(tickNanos, Math.min(next - now, MAX_SLEEP));
            runtime.park(wait);
        }
    }

    void stop() throws InterruptedException {
        running = false;
        tcp.onEarlierDeadline(null);
        if (simTimer != null) simTimer.cancel();
        if (thread != null) {
            runtime.unpark(thread);
            thread.join(1000);
        }
    }
}
