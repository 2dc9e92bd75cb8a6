// Executors a design hands a worker after the worker was made: applications that run to completion on it.
package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One executor of a worker that stands for others added later ({@link #add}), before or after the
 * worker starts: an application served on the worker that runs the receive pipeline, made once the
 * stack it serves on exists. Each round runs them in the order added; empty, it does nothing and
 * keeps nobody awake.
 *
 * <p>A worker asks its executors' wake sources once, when it is made, so this one is itself the wake
 * source: a sleeper registered here is passed on to the wake sources of every executor added, then
 * and later.
 *
 * <pre>{@code
 * LateExecutors apps = new LateExecutors();
 * engine.poll(0, pipeline, 32, "poll0", idle, apps);   // the worker that reads the NIC
 * ...
 * apps.add(httpServer.executor());                      // the HTTP server now runs on that worker
 * }</pre>
 */
public final class LateExecutors implements Executor, WakeSource {
    private volatile Executor[] executors = new Executor[0];
    private final List<CoroutineQueue.Sleeper> sleepers = new ArrayList<>();

    /** Runs {@code e} on this worker from its next round on. */
    public void add(Executor e) {
        synchronized (this) {
            for (CoroutineQueue.Sleeper s : sleepers) for (WakeSource w : e.wakeSources()) w.addSleeper(s);
            Executor[] old = executors;
            Executor[] n = Arrays.copyOf(old, old.length + 1);
            n[old.length] = e;
            executors = n;
        }
    }

    @Override
    public int doWork(ExecContext ctx) {
        int n = 0;
        for (Executor e : executors) n += e.doWork(ctx);
        return n;
    }

    @Override
    public boolean hasWork() {
        for (Executor e : executors) if (e.hasWork()) return true;
        return false;
    }

    @Override
    public List<CoroutineQueue> queues() {
        List<CoroutineQueue> all = new ArrayList<>();
        for (Executor e : executors) all.addAll(e.queues());
        return all;
    }

    @Override
    public List<WakeSource> wakeSources() { return List.of(this); }

    @Override
    public synchronized void addSleeper(CoroutineQueue.Sleeper s) {
        if (sleepers.contains(s)) return;
        sleepers.add(s);
        for (Executor e : executors) for (WakeSource w : e.wakeSources()) w.addSleeper(s);
    }

    @Override
    public synchronized void removeSleeper(CoroutineQueue.Sleeper s) {
        sleepers.remove(s);
        for (Executor e : executors) for (WakeSource w : e.wakeSources()) w.removeSleeper(s);
    }

    @Override
    public String name() {
        StringBuilder sb = new StringBuilder("late[");
        for (Executor e : executors) sb.append(sb.length() > 5 ? "," : "").append(e.name());
        return sb.append(']').toString();
    }
}
