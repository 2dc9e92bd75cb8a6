// Built-in design: Listing 1, a queue() before L2 chosen by destination port, isolated ports with executors of their own.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.interpose.Owner;
import io.flexnet.interpose.OwnerTable;
import io.flexnet.interpose.TenantLimits;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.Selector;
import io.flexnet.pipeline.Selectors;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.workload.RequestClass;
import java.util.Arrays;

/**
 * {@code port-queues}: the FlexNet paper's Listing 1 (and NetChannel's isolation). A NIC poller parks
 * every frame before {@code eth_rcv} in a queue chosen by its UDP destination port: each port listed in
 * {@code isolate} gets a queue and {@code isolated_workers} workers of its own, everything else shares
 * one queue served by {@code workers} workers. The workers run the layers, the request server at
 * {@code yield()} and the send layers. With nothing isolated, all requests share one queue: the
 * baseline a latency-critical port suffers in. With {@code tenant_entries}, each request class is a
 * tenant holding its port, and each tenant may hold at most that many entries in the shared queue (an
 * {@link io.flexnet.pipeline.EntryLimit} from the {@link OwnerTable}): a flood fills its share and
 * the others' requests still find room, counted as {@code queue-over-limit} past it.
 *
 * <p>Parameters: {@code isolate} (ports, default none), {@code workers} (default 1),
 * {@code isolated_workers} (per isolated port, default 1), {@code idle} ({@code sleep} default, or
 * {@code spin}), {@code batch} (coroutines a worker resumes per call, default 1), {@code tenant_entries}
 * (entries each tenant may hold in the shared queue, default 0: no cap), {@code tx_workers} (default 0:
 * replies leave from the core that served them; N: Listing 4, a queue after {@code l4_send} hands each
 * reply's {@code ip_send} and {@code eth_send}, and the stack's originated segments, to N workers of
 * their own).
 */
public final class PortQueues implements Design {
    private int[] isolate;
    private int workers;
    private int isolatedWorkers;
    private String idle;
    private int batch;
    private int tenantEntries;
    private int txWorkers;

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
        tenantEntries = p.integer("tenant_entries", 0, 0, 4096);
        txWorkers = p.integer("tx_workers", 0, 0, 16);
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
        if (tenantEntries > 0) queues[k].limitEntries(tenants(ctx).entryLimit());
        // One lookup per frame: port -> queue index, filled once here.
        byte[] queueOfPort = new byte[0x10000];
        Arrays.fill(queueOfPort, (byte) k);
        for (int i = 0; i < k; i++) queueOfPort[isolate[i]] = (byte) i;
        final int sharedIndex = k;
        Selector byPort = p -> {
            int port = Selectors.dstPort(p);
            return port < 0 ? sharedIndex : queueOfPort[port];
        };
        io.flexnet.pipeline.PipelineBuilder b = e.rxTx("port-queues")
                .queue(byPort, queues).eth().ip().l4().yieldTo(ctx.server()).l4();
        if (txWorkers > 0) {
            // Listing 4: below l4_send (where the reply became a segment, in its slot) the reply's
            // ip_send and eth_send, and every segment the stack originates (TCP's ACKs, retransmissions,
            // window updates), leave the serving core for workers of their own.
            CoroutineQueue.Concurrency c = txWorkers == 1 ? CoroutineQueue.Concurrency.MPSC : CoroutineQueue.Concurrency.MPMC;
            CoroutineQueue replies = e.queue("tx", 4096, c);
            CoroutineQueue originated = e.queue("originated", 4096, c);
            b = b.queue(p -> 0, replies);
            e.originate(e.origin("origin").queue(p -> 0, originated).ip().eth().build());
            for (int w = 0; w < txWorkers; w++) {
                e.worker("tx" + w, RunToCompletion.idleStrategy(idle), new RoundRobinExecutor(batch, replies, originated));
            }
        }
        Pipeline rx = b.ip().eth().build();
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

    /** Each request class a tenant holding its port (the first class named at a port holds it), each capped. */
    private OwnerTable tenants(DesignContext ctx) {
        OwnerTable owners = new OwnerTable();
        for (RequestClass c : ctx.workload().classes()) {
            if (owners.ownerOf(OwnerTable.PROTO_UDP, c.port()) != 0L) continue;
            owners.bind(OwnerTable.PROTO_UDP, c.port(), new Owner(c.name(), "experiment", "port-queues"));
            owners.limits().set(owners.id(c.name()), TenantLimits.Limit.entries(tenantEntries));
        }
        return owners;
    }

    @Override
    public String summary() {
        String iso = isolate.length == 0 ? "no port isolated"
                : "port" + (isolate.length == 1 ? " " : "s ") + Arrays.toString(isolate).replaceAll("[\\[\\]]", "")
                        + " with " + isolatedWorkers + " worker" + (isolatedWorkers == 1 ? "" : "s") + " each";
        return "queue() before L2 by destination port: " + iso + "; the rest share one queue, " + workers
                + " worker" + (workers == 1 ? "" : "s") + " (" + idle + " when idle)"
                + (tenantEntries == 0 ? "" : ", at most " + tenantEntries + " entries per tenant in it")
                + (txWorkers == 0 ? "" : "; send layers relocated to " + txWorkers + " worker" + (txWorkers == 1 ? "" : "s")
                        + " of their own (Listing 4)");
    }
}
