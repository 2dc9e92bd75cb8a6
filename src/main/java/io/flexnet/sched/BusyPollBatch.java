package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.runtime.StackRuntime;
import java.util.List;

/**
 * Listing 6: collect a batch of up to {@code batch} coroutines from one queue, busy-polling for the
 * rest, then resume them together, as dataplane OSes do to amortize per-packet costs. The paper's loop
 * waits for a full batch forever; here the wait is bounded by {@code maxWaitNanos} so a lull in
 * arrivals cannot hold back what was already collected (0: take what is there).
 */
public final class BusyPollBatch implements Executor {
    private final CoroutineQueue queue;
    private final int batch;
    private final long maxWaitNanos;
    private final StackRuntime runtime;

    public BusyPollBatch(CoroutineQueue queue, int batch, long maxWaitNanos, StackRuntime runtime) {
        if (batch < 1 || batch > ExecContext.MAX_BATCH) {
            throw new IllegalArgumentException("batch must be in [1, " + ExecContext.MAX_BATCH + "]");
        }
        this.queue = queue;
        this.batch = batch;
        this.maxWaitNanos = maxWaitNanos;
        this.runtime = runtime;
    }

    @Override
    public int doWork(ExecContext ctx) { return ctx.resumeBatched(queue, batch, maxWaitNanos, runtime); }

    @Override public List<CoroutineQueue> queues() { return List.of(queue); }

    public int batch() { return batch; }
}
