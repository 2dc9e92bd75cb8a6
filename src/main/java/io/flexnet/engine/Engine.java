package io.flexnet.engine;

import io.flexnet.nic.NicDriver;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.runtime.sim.SimRuntime;
import io.flexnet.sched.Executor;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.NicPoll;
import io.flexnet.sched.RxKicker;
import io.flexnet.sched.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One running host stack: a NIC, its protocol layers, the coroutine frames of its pool, and the
 * workers that run a design's executors. A design adds pipelines, queues and workers; the engine
 * starts them, shuts them down in order (stop the NIC pollers, let workers drain, stop workers, count
 * what is left as {@code shutdown}), and reports every counter in one place.
 *
 * <pre>{@code
 * Engine e = new Engine(nic, NetConfig.parse("02:00:c6:12:00:02", "198.18.0.2/24", null, 1500), runtime);
 * CoroutineQueue q = e.queue("rx", 1024, CoroutineQueue.Concurrency.MPSC);
 * Pipeline rx = e.rx("rx").queue(p -> 0, q).eth().ip().l4().socket().build();
 * e.poll(0, rx, 32, "poll0", IdleStrategy.busySpin());            // a worker polling NIC queue 0
 * e.worker("w0", new SleepUntilKicked(), new RoundRobinExecutor(q));
 * e.start();
 * }</pre>
 */
public final class Engine implements AutoCloseable {
    private final NicDriver nic;
    private final StackRuntime runtime;
    private final ProtoStack stack;
    private final Coroutines coroutines;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Worker> pollWorkers = new ArrayList<>();
    private final List<NicPoll> pollers = new ArrayList<>();
    private final List<CoroutineQueue> queues = new ArrayList<>();
    private final List<Pipeline> pipelines = new ArrayList<>();
    /** The workers as simulated threads, when the runtime is the simulated one; empty otherwise. */
    private final List<SimulatedWorker> simulated = new ArrayList<>();
    private final DropCounters shutdownDrops = new DropCounters("engine");
    private final List<DropCounters> extraDrops = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean started;
    private final io.flexnet.proto.tcp.Tcp tcp;
    private final TcpTimers tcpTimers;

    public Engine(NicDriver nic, NetConfig config, StackRuntime runtime) {
        this(nic, config, runtime, io.flexnet.proto.tcp.TcpConfig.defaults());
    }

    /** With the stack's TCP configured by {@code tcpConfig} (buffers, table size, timers, options). */
    public Engine(NicDriver nic, NetConfig config, StackRuntime runtime, io.flexnet.proto.tcp.TcpConfig tcpConfig) {
        this.nic = nic;
        this.runtime = runtime;
        PacketPool pool = nic.pool();
        int txQueues = nic.txQueues();
        // Transmit queue by flow, so one flow's frames keep their order on one queue.
        this.stack = new ProtoStack(config, pool,
                p -> nic.transmit(txQueues == 1 ? 0 : Math.floorMod(p.flowHash, txQueues), p),
                runtime);
        stack.offloadChecksums(nic.fillsChecksums());
        if (nic.fillsChecksums()) stack.offloadSegmentation(nic.gsoMaxBytes());
        this.coroutines = new Coroutines(pool);
        // Every stack speaks TCP: tcp_rcv and tcp_send bound into l4_rcv and l4_send, timers on a thread of ours.
        this.tcp = io.flexnet.proto.tcp.Tcp.attach(stack, tcpConfig);
        this.tcpTimers = new TcpTimers(tcp, runtime);
    }

    /** The stack's TCP, attached by the engine (with {@link io.flexnet.proto.tcp.TcpConfig#defaults()} unless given). */
    public io.flexnet.proto.tcp.Tcp tcp() { return tcp; }

    public ProtoStack stack() { return stack; }
    public NicDriver nic() { return nic; }
    public StackRuntime runtime() { return runtime; }
    public Coroutines coroutines() { return coroutines; }
    public PacketPool pool() { return nic.pool(); }

    public PipelineBuilder rx(String name) { return PipelineBuilder.rx(name, stack::layer); }
    public PipelineBuilder tx(String name) { return PipelineBuilder.tx(name, stack::layer); }
    public PipelineBuilder rxTx(String name) { return PipelineBuilder.rxTx(name, stack::layer); }
    public PipelineBuilder origin(String name) { return PipelineBuilder.origin(name, stack::layer); }

    /**
     * Sends the datagrams the stack originates (ICMP's replies and errors, later TCP's control segments)
     * through {@code origin}, an {@link io.flexnet.pipeline.Template#ORIGIN} pipeline, instead of running
     * {@code ip_send} and {@code eth_send} where they were made: its {@code queue()} points move that
     * work to the workers the design chooses. Call before {@link #start()}.
     *
     * <pre>{@code
     * CoroutineQueue txq = e.queue("originated", 256, CoroutineQueue.Concurrency.MPSC);
     * e.originate(e.origin("origin").queue(p -> 0, txq).ip().eth().build());
     * e.worker("tx", new SleepUntilKicked(), new RoundRobinExecutor(txq));
     * }</pre>
     */
    public Engine originate(Pipeline origin) {
        if (origin.template() != io.flexnet.pipeline.Template.ORIGIN) {
            throw new IllegalArgumentException("pipeline " + origin.name() + " is " + origin.template()
                    + "; originated datagrams need an ORIGIN pipeline (ip_send, eth_send)");
        }
        synchronized (this) {
            if (started) throw new IllegalStateException("route originated datagrams before the engine starts");
        }
        track(origin);
        stack.output().route((p, cx) -> coroutines.of(p).start(origin, cx));
        return this;
    }

    /** A queue the engine reports and drains at shutdown. */
    public CoroutineQueue queue(String name, int capacity, CoroutineQueue.Concurrency concurrency) {
        CoroutineQueue q = new CoroutineQueue(name, capacity, concurrency);
        queues.add(q);
        return q;
    }

    /** Registers a pipeline for reports (its drops and faults). Returns it. */
    public Pipeline track(Pipeline p) {
        if (!pipelines.contains(p)) pipelines.add(p);
        for (CoroutineQueue q : p.queues()) if (!queues.contains(q)) queues.add(q);
        return p;
    }

    /** A worker that polls NIC receive queue {@code rxQueue} and starts {@code pipeline} per frame. */
    public Worker poll(int rxQueue, Pipeline pipeline, int batch, String name, IdleStrategy idle,
                       Executor... more) {
        track(pipeline);
        NicPoll poller = new NicPoll(nic, rxQueue, pipeline, coroutines, batch);
        pollers.add(poller);
        List<Executor> ex = new ArrayList<>();
        ex.add(poller);
        ex.addAll(List.of(more));
        Worker w = new Worker(name, workers.size(), runtime, idle, ex);
        workers.add(w);
        pollWorkers.add(w);
        return w;
    }

    /** A worker running {@code executors}. */
    public Worker worker(String name, IdleStrategy idle, Executor... executors) {
        Worker w = new Worker(name, workers.size(), runtime, idle, List.of(executors));
        workers.add(w);
        return w;
    }

    /**
     * Starts a pipeline for a packet on the calling thread (an application's send, a generator):
     * it runs here until its first suspension point.
     */
    public int start(Pipeline pipeline, Packet p) {
        return coroutines.of(p).start(pipeline, stack.callerContext());
    }

    public synchronized void start() {
        if (started) throw new IllegalStateException("engine already started");
        started = true;
        if (!pollers.isEmpty()) RxKicker.install(nic, pollers);
        if (runtime instanceof SimRuntime sim) {
            for (Worker w : workers) simulated.add(new SimulatedWorker(w, sim));
            for (SimulatedWorker w : simulated) w.start();
            tcpTimers.startSimulated(sim);  // TCP's timers as events in virtual time
            return;
        }
        for (Worker w : workers) w.start();
        tcpTimers.start();
    }

    /**
     * On the simulated runtime, accounts the time idle workers spent without rounds up to {@code now}
     * (a polling worker in virtual time runs none): call before each {@code CoreScheduler.step}.
     */
    public void accountIdle(long now) {
        for (int i = 0, n = simulated.size(); i < n; i++) simulated.get(i).accountIdle(now);
    }

    /**
     * On the simulated runtime, wakes the workers a core policy has just granted a core (on the real
     * one, granting kicks the worker's thread): call after each {@code CoreScheduler.step}.
     */
    public void wakeGranted() {
        for (int i = 0, n = simulated.size(); i < n; i++) simulated.get(i).wakeIfGranted();  // every period: no iterator
    }

    /**
     * Stops receiving, gives workers up to {@code drainMillis} to empty the queues, stops them, and
     * counts whatever is still queued — in coroutine queues or waiting for ARP — as {@code shutdown},
     * returning its slots. Returns that count.
     */
    public synchronized long shutdown(long drainMillis) throws InterruptedException {
        for (Worker w : pollWorkers) {
            // Pollers that also run queue executors keep draining until the deadline below.
            if (w.executors().size() == 1) w.stop(1000);
        }
        long deadline = runtime.nanoTime() + drainMillis * 1_000_000L;
        while (runtime.nanoTime() - deadline < 0 && !allQueuesEmpty()) runtime.park(1_000_000);
        for (Worker w : workers) w.stop(1000);
        for (SimulatedWorker w : simulated) w.stop();
        tcpTimers.stop();
        long left = tcp.discardBacklogs();  // segments queued for connections no worker drains any more
        long now = runtime.nanoTime();
        for (CoroutineQueue q : queues) {
            for (Coroutine co; (co = q.poll(now)) != null; left++) shutdownDrops.drop(co.packet(), DropReason.SHUTDOWN);
        }
        left += stack.arp().discardPending(DropReason.SHUTDOWN);  // frames that waited for a neighbour
        return left;
    }

    private boolean allQueuesEmpty() {
        for (CoroutineQueue q : queues) if (!q.isEmpty()) return false;
        return true;
    }

    @Override
    public void close() {
        try {
            shutdown(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<Worker> workers() { return List.copyOf(workers); }
    public List<CoroutineQueue> queues() { return List.copyOf(queues); }
    public List<Pipeline> pipelines() { return List.copyOf(pipelines); }

    /** Adds an application's or design's own drop counters to this engine's reports. */
    public void countDrops(DropCounters d) { extraDrops.add(java.util.Objects.requireNonNull(d)); }

    /** The drop counters of the NIC, every layer, every pipeline, shutdown and what was added. */
    public List<DropCounters> dropCounters() {
        List<DropCounters> all = new ArrayList<>(stack.dropCounters());
        all.add(nic.drops());
        for (Pipeline p : pipelines) all.add(p.drops());
        all.add(shutdownDrops);
        all.addAll(extraDrops);
        return all;
    }

    /** Drops by reason over the NIC, every layer, every pipeline and shutdown; non-zero only. */
    public Map<String, Long> dropsByReason() { return DropCounters.byReason(dropCounters()); }

    public long totalDrops() {
        long n = 0;
        for (long v : dropsByReason().values()) n += v;
        return n;
    }
}
