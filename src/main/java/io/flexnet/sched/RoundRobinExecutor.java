package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import java.util.List;

/** Listing 2: each call resumes up to {@code perQueue} coroutines from every queue in turn. */
public final class RoundRobinExecutor implements Executor {
    private final CoroutineQueue[] queues;
    private final int perQueue;

    public RoundRobinExecutor(int perQueue, CoroutineQueue... queues) {
        if (queues.length == 0) throw new IllegalArgumentException("RoundRobinExecutor needs at least one queue");
        if (perQueue < 1) throw new IllegalArgumentException("perQueue must be >= 1");
        this.queues = queues.clone();
        this.perQueue = perQueue;
    }

    public RoundRobinExecutor(CoroutineQueue... queues) { this(1, queues); }

    @Override
    public int doWork(ExecContext ctx) {
        int n = 0;
        for (CoroutineQueue q : queues) n += ctx.resume(q, perQueue);
        return n;
    }

    @Override public List<CoroutineQueue> queues() { return List.of(queues); }
}
