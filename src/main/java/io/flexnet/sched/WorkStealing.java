package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * Own queue first; when it is empty, take a batch from the deepest of the others (TAPI's and
 * Shenango's work stealing). The victims' queues must allow several consumers (SPMC or MPMC).
 */
public final class WorkStealing implements Executor {
    private final CoroutineQueue own;
    private final CoroutineQueue[] others;
    private final int batch;
    private long stolen;

    public WorkStealing(CoroutineQueue own, int batch, CoroutineQueue... others) {
        this.own = own;
        this.others = others.clone();
        this.batch = batch;
    }

    @Override
    public int doWork(ExecContext ctx) {
        int n = ctx.resume(own, batch);
        if (n > 0) return n;
        CoroutineQueue victim = null;
        int deepest = 0;
        for (CoroutineQueue q : others) {
            int d = q.depth();
            if (d > deepest) {
                deepest = d;
                victim = q;
            }
        }
        if (victim == null) return 0;
        n = ctx.resume(victim, Math.min(batch, (deepest + 1) / 2));  // take half, leave the owner work
        stolen += n;
        return n;
    }

    @Override
    public List<CoroutineQueue> queues() {
        List<CoroutineQueue> all = new ArrayList<>();
        all.add(own);
        all.addAll(List.of(others));
        return all;
    }

    /** Coroutines taken from other queues (read by the owning worker's thread or after it stopped). */
    public long stolen() { return stolen; }
}
