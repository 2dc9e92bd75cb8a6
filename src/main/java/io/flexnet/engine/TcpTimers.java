package io.flexnet.engine;

import io.flexnet.proto.LayerContext;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.runtime.StackRuntime;

/**
 * The thread that drives a running engine's TCP timers: once per wheel tick it reads the runtime's clock
 * and calls {@link Tcp#tick}, which fires what is due (a connection owned by a worker at that moment runs
 * its timers when the worker lets go). One thread per stack, never one per connection or timer; it parks
 * between ticks, so an idle stack costs a wake-up per tick. A test with a manual clock calls
 * {@code tick} itself instead.
 */
final class TcpTimers implements Runnable {
    private final Tcp tcp;
    private final StackRuntime runtime;
    private final long tickNanos;
    private volatile boolean running = true;
    private Thread thread;

    TcpTimers(Tcp tcp, StackRuntime runtime) {
        this.tcp = tcp;
        this.runtime = runtime;
        this.tickNanos = tcp.config().tickNanos();
    }

    void start() {
        thread = runtime.newThread("tcp-timers", this);
        thread.setDaemon(true);
        thread.start();
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
            runtime.park(tickNanos);
        }
    }

    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            runtime.unpark(thread);
            thread.join(1000);
        }
    }
}
