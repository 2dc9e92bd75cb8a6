// Runs ARP's expiry pass every so often on a stack worker, so stale neighbours and stuck frames go.
package io.flexnet.serve;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.proto.ProtoStack;
import io.flexnet.sched.ExecContext;
import io.flexnet.sched.Executor;
import java.util.List;

/**
 * {@link ProtoStack#expire()} wants a periodic caller; this executor is it, riding on a worker that runs
 * anyway. It reads the worker's round time only, never the clock, and reports no work, so it neither
 * keeps a sleeping worker awake nor counts as busy time. A sleeping worker still comes round at its
 * back-stop period, which is well under ARP's one-second retry and three-second pending timeout.
 */
final class ArpExpiry implements Executor {
    /** Often enough for ARP's second-scale timers, rare enough to cost nothing. */
    static final long PERIOD_NANOS = 100_000_000L;

    private final ProtoStack stack;
    private long next;
    private boolean started;

    ArpExpiry(ProtoStack stack) { this.stack = stack; }

    @Override
    public int doWork(ExecContext ctx) {
        long now = ctx.now();
        // Compare by difference: nanoTime may be negative or wrap.
        if (!started || now - next >= 0) {
            started = true;
            next = now + PERIOD_NANOS;
            stack.expire();
        }
        return 0;
    }

    @Override public List<CoroutineQueue> queues() { return List.of(); }

    @Override public String name() { return "arp-expiry"; }
}
