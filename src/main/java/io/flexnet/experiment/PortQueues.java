// Built-in design: Listing 1, a queue() before L2 chosen by destination port, isolated ports with executors of their own.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.Selector;
import io.flexnet.pipeline.Selectors;
import io.flexnet.sched.RoundRobinExecutor;
import java.util.Arrays;

/**
 * {@code port-queues}: the FlexNet paper's Listing 1 (and NetChannel's isolation). A NIC poller parks
 * every frame before {@code eth_rcv} in a queue chosen by its UDP destination port: each port listed in
 * {@code isolate} gets a queue and {@code isolated_workers} workers of its own, everything else shares
 * one queue served by {@code workers} workers. The workers run the layers, the request server at
 * {@code yield()} and the send layers. With nothing isolated, all requests share one queue: the
 * baseline a latency-critical port suffers in.
 *
 * <p>Parameters: {@code isolate} (ports, default none), {@code workers} (default 1),
 * {@code isolated_workers} (per isolated port, default 1), {@code idle} ({@code sleep} default, or
 * {@code spin}), {@code batch} (coroutines a worker resumes per call, default 1).
 */
public final class PortQueues implements Design {
    private int[] isolate;
    private int workers;
    private int isolatedWorkers;
    private String idle;
    private int batch;

    @Override
    public void configure(Params p) {
        isolate = p.integers("isolate", 1, 0xFFFF);
        if (isolate.length > 100) {
            throw new ParamException(p.line("isolate"), "design " + p.owner() + ": at most 100 isolated ports");
        }
        if (Arrays.stream(isolate).distinct().count() != isolate.length) {
            throw new ParamException(p.line("isolate"), "design " + p.owner() + ": parameter 'isolate' lists a port twice");
        }
        workers = p.integer("workers", 1, 1, 64);
        isolatedWorkers = p.integer("isolated_workers", 1, 1, 64);
        idle = p.choice("idle", "sleep", "sleep", "spin");
        batch = p.integer("batch", 1, 1, 256);
    }

    @Override
    public void assemble(DesignContext ctx) {
        Engine e = ctx.engine();
        ctx.bindRequestPorts();
        int k = isolate.length;
        CoroutineQueue[] queues = new CoroutineQueue[k + 1];
        for (int i = 0; i < k; i++) {
            queues[i] = e.queue("port" + isolate[i], 4096,
                    isolatedWorkers == 1 ? CoroutineQueue.Concurrency.SPSC : CoroutineQueue.Concurrency.SPMC);
        }
        queues[k] = e.queue("shared", 4096, workers == 1 ? CoroutineQueue.Concurrency.SPSC : CoroutineQueue.Concurrency.SPMC);
        // One lookup per frame: port -> queue index, filled once here.
        byte[] queueOfPort = new byte[0x10000];
        Arrays.fill(queueOfPort, (byte) k);
        for (int i = 0; i < k; i++) queueOfPort[isolate[i]] = (byte) i;
        final int sharedIndex = k;
        Selector byPort = p -> {
            int port = Selectors.dstPort(p);
            return port < 0 ? sharedIndex : queueOfPort[port];
        };
        Pipeline rx = e.rxTx("port-queues")
                .queue(byPort, queues).eth().ip().l4().yieldTo(ctx.server()).l4().ip().eth()
                .build();
        e.poll(0, rx, 32, "nic", RunToCompletion.idleStrategy(idle));
        for (int i = 0; i < k; i++) {
            for (int w = 0; w < isolatedWorkers; w++) {
                e.worker("port" + isolate[i] + "-" + w, RunToCompletion.idleStrategy(idle), new RoundRobinExecutor(batch, queues[i]));
            }
        }
        for (int w = 0; w < workers; w++) {
            e.worker("shared" + w, RunToCompletion.idleStrategy(idle), new RoundRobinExecutor(batch, queues[k]));
        }
    }

    @Override
    public String summary() {
        String iso = isolate.length == 0 ? "no port isolated"
                : "port" + (isolate.length == 1 ? " " : "s ") + Arrays.toString(isolate).replaceAll("[\\[\\]]", "")
                        + " with " + isolatedWorkers + " worker" + (isolatedWorkers == 1 ? "" : "s") + " each";
        return "queue() before L2 by destination port: " + iso + "; the rest share one queue, " + workers
                + " worker" + (workers == 1 ? "" : "s") + " (" + idle + " when idle)";
    }
}
