// Built-in design: Shinjuku-style processor sharing, long requests preempted at yield points when their quantum is spent.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.packet.FrameTuple;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.policy.RequestHeader;
import io.flexnet.runtime.Quantum;
import io.flexnet.runtime.QuantumTimer;
import io.flexnet.sched.Executor;
import io.flexnet.sched.ProcessorSharing;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.ShortestRemaining;
import io.flexnet.workload.KvRequest;
import io.flexnet.workload.ServiceTime;
import java.util.Locale;

/**
 * {@code preemptive}: the request server runs as a preemptible application, and executors take a
 * request back at a yield point once its quantum is spent, so a 10 ms SCAN no longer holds a worker
 * while 10 µs GETs wait (Shinjuku; Concord's polled quantum flag). Each worker polls its own NIC queue
 * (RSS over {@code workers} queues) and parks frames in a queue of its own before {@code eth_rcv}; its
 * executor serves that queue by {@code discipline}:
 *
 * <ul>
 *   <li>{@code fcfs}: in arrival order, to completion (the same structure with nothing preempted);
 *   <li>{@code ps}: processor sharing, round robin with the quantum, preempted requests to the back;
 *   <li>{@code srtf}: shortest remaining time first, by the mean service time of the request's type
 *       (its class) less the quanta it has had;
 *   <li>{@code las}: least attained service, by the quanta it has had (no estimate needed);
 *   <li>{@code shinjuku}: one NIC poller (the dispatcher) fills one queue, and {@code workers} workers
 *       take from it and return preempted requests to its back.
 * </ul>
 *
 * <p>Parameters: {@code discipline} (default {@code ps}), {@code quantum} (default 10us, at least 1us),
 * {@code workers} (default 1), {@code levels} (SRTF and LAS, default 16), {@code timer} (how the
 * quantum timer waits: {@code sleep}, parking until the next deadline, default; {@code spin}, a core's
 * worth of checking, exact), {@code idle} ({@code sleep} default, or {@code spin}), {@code batch}
 * (frames per NIC poll, default 32).
 */
public final class Preemptive implements Design {
    private static final int QUEUE_CAPACITY = 4096;

    private String discipline;
    private long quantumNanos;
    private int workers;
    private int levels;
    private QuantumTimer.Wait timer;
    private String idle;
    private int batch;

    @Override
    public void configure(Params p) {
        discipline = p.choice("discipline", "ps", "fcfs", "ps", "srtf", "las", "shinjuku");
        quantumNanos = p.duration("quantum", 10_000);
        if (quantumNanos < 1_000) {
            throw new ParamException(p.line("quantum"), "design " + p.owner() + ": parameter 'quantum' must be at least 1us, got "
                    + quantumNanos + " ns");
        }
        workers = p.integer("workers", 1, 1, 64);
        levels = p.integer("levels", 16, 2, 1024);
        timer = p.choice("timer", "sleep", "sleep", "spin").equals("spin") ? QuantumTimer.Wait.SPIN : QuantumTimer.Wait.SLEEP;
        idle = p.choice("idle", "sleep", "sleep", "spin");
        batch = p.integer("batch", 32, 1, 256);
    }

    @Override
    public void assemble(DesignContext ctx) {
        boolean shinjuku = discipline.equals("shinjuku");
        ctx.nic(shinjuku ? 1 : workers, null, false);
        Engine e = ctx.engine();
        ctx.bindRequestPorts();
        if (shinjuku) {
            CoroutineQueue dispatch = e.queue("dispatch", QUEUE_CAPACITY, CoroutineQueue.Concurrency.MPMC);
            Pipeline pl = pipeline(e, "shinjuku", dispatch, ctx);
            e.poll(0, pl, batch, "dispatcher", RunToCompletion.idleStrategy(idle));
            for (int w = 0; w < workers; w++) {
                e.worker("w" + w, RunToCompletion.idleStrategy(idle), new ProcessorSharing(quantum(ctx, "w" + w), dispatch));
            }
            return;
        }
        for (int w = 0; w < workers; w++) {
            // The worker polls the NIC and serves the queue: it is the queue's one producer and consumer.
            CoroutineQueue q = e.queue("requests" + w, QUEUE_CAPACITY, CoroutineQueue.Concurrency.SPSC);
            Pipeline pl = pipeline(e, discipline + w, q, ctx);
            e.poll(w, pl, batch, "w" + w, RunToCompletion.idleStrategy(idle), executor(e, ctx, w, q));
        }
    }

    private static Pipeline pipeline(Engine e, String name, CoroutineQueue q, DesignContext ctx) {
        return e.rxTx(name).queue(p -> 0, q).eth().ip().l4().yieldTo(ctx.server().preemptible()).l4().ip().eth().build();
    }

    private Executor executor(Engine e, DesignContext ctx, int w, CoroutineQueue q) {
        return switch (discipline) {
            case "fcfs" -> new RoundRobinExecutor(1, q);
            case "ps" -> new ProcessorSharing(quantum(ctx, "w" + w), q);
            default -> {
                CoroutineQueue[] ls = new CoroutineQueue[levels];
                for (int l = 0; l < levels; l++) ls[l] = e.queue("w" + w + "-level" + l, QUEUE_CAPACITY, CoroutineQueue.Concurrency.SPSC);
                ShortestRemaining.Rank rank = discipline.equals("las") ? ShortestRemaining.Rank.attained()
                        : ShortestRemaining.Rank.remaining(byType(ctx.workload().service()), quantumNanos);
                yield new ShortestRemaining(quantum(ctx, "w" + w), rank, ls, q);
            }
        };
    }

    /** A flag for one worker, closed when the run ends (the timer's thread stops with the last). */
    private Quantum quantum(DesignContext ctx, String worker) {
        Quantum q = ctx.runtime().quantumTimer(timer).quantum(worker, quantumNanos);
        ctx.onStop(q::close);
        return q;
    }

    /**
     * SRTF's estimate by request class: the mean service time of the request's type, read from the
     * request header (parsed payload when the layers ran, else found in the raw frame). Unknown: 0.
     */
    static java.util.function.ToLongFunction<Packet> byType(ServiceTime[] service) {
        long[] mean = new long[4];
        for (int t = 1; t < 4; t++) mean[t] = service[t] == null ? 0 : Math.round(service[t].meanNanos());
        return p -> {
            long payload = p.payloadOffset;
            int len = p.payloadLength;
            if (payload < 0) {
                long t = FrameTuple.locate(p.segment(), p.offset, p.length);
                if (t == FrameTuple.NONE) return 0;
                payload = FrameTuple.payload(t);
                len = FrameTuple.end(t) - FrameTuple.payload(t);
            }
            if (len < KvRequest.LENGTH) return 0;
            int type = RequestHeader.type(p.segment(), payload);
            return type >= 1 && type < 4 ? mean[type] : 0;
        };
    }

    @Override
    public String summary() {
        String q = String.format(Locale.ROOT, "%.0f us", quantumNanos / 1000.0);
        String what = switch (discipline) {
            case "fcfs" -> "first come first served, run to completion";
            case "ps" -> "processor sharing, quantum " + q;
            case "srtf" -> "shortest remaining time first by request type, quantum " + q;
            case "las" -> "least attained service, quantum " + q;
            default -> "Shinjuku: one dispatcher queue, preempted requests to its back, quantum " + q;
        };
        if (!discipline.equals("fcfs")) what += timer == QuantumTimer.Wait.SPIN ? ", spinning timer" : ", sleeping timer";
        return "preemptive: " + what + "; " + workers + " worker" + (workers == 1 ? "" : "s") + " (" + idle + " when idle)";
    }
}
