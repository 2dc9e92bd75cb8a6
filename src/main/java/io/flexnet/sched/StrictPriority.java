package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import java.util.List;

/**
 * Serves the highest-priority non-empty queue first (queues in priority order, highest first), up to
 * {@code batch} per call; a lower queue runs only when every higher one is empty. Low priorities can
 * starve under sustained high-priority load: that is the point, and the caller's choice.
 */
public final class StrictPriority implements Executor {
    private final CoroutineQueue[] queues;
    private final int batch;

    public StrictPriority(int batch, CoroutineQueue... highestFirst) {
        if (highestFirst.length == 0) throw new IllegalArgumentException("StrictPriority needs queues");
        this.queues = highestFirst.clone();
        this.batch = batch;
    }

    @Override
    public int doWork(ExecContext ctx) {
        for (CoroutineQueue q : queues) {
            int n = ctx.resume(q, batch);
            if (n > 0) return n;
        }
        return 0;
    }

    @Override public List<CoroutineQueue> queues() { return List.of(queues); }
}
