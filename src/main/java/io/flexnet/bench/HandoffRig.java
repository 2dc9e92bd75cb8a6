package io.flexnet.bench;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.Worker;
import io.flexnet.sched.affinity.LinuxAffinity;
import io.flexnet.workload.UdpFrames;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Hand-off of a coroutine to a worker on the other core: the calling thread (pinned to the first
 * allowed core) runs eth_rcv → ip_rcv → udp_rcv, the selector stamps the time, the coroutine parks in
 * a queue; a busy-polling worker pinned to another core resumes it into socket_rcv, whose endpoint
 * records the time since the stamp. One packet in flight at a time, so queueing delay is zero and the
 * figure is the hand-off itself (plus one clock read, reported separately as {@link #clockNanos}).
 */
public final class HandoffRig {
    private final PacketPool pool = new PacketPool(256);
    private final ProtoStack stack;
    private final Coroutines coroutines = new Coroutines(pool);
    private final Pipeline pipeline;
    private final Worker worker;
    private final byte[] frame;
    private final Histogram latency = new Histogram(10_000_000L, 3);
    private final RealRuntime.Affinity affinity = LinuxAffinity.orUnpinned();
    private volatile long done;
    private boolean recording;
    private final int producerCore, workerCore;

    /** On the first two cores this thread may use (it is later pinned to the first). */
    public HandoffRig() {
        this(null);
    }

    /**
     * On {@code cores[0]} (the producer, the calling thread) and {@code cores[1]} (the worker); null for
     * the first two this thread may use. A rig made after another has pinned this thread must be given
     * the cores: the thread then may use only the producer's.
     */
    public HandoffRig(int[] cores) {
        stack = new ProtoStack(new NetConfig(PipelineRig.OUR_MAC, PipelineRig.OUR_IP, 24, 0, 1500), pool,
                Packet::release, RealRuntime.INSTANCE);
        stack.ports().bind(PipelineRig.PORT, new Endpoint() {
            public int id() { return 1; }
            public boolean offer(Packet p) {
                long t = System.nanoTime() - p.userData;
                if (recording) latency.recordValue(Math.max(0, Math.min(t, 9_999_999L)));
                p.release();
                done = done + 1;  // single writer: the worker
                return true;
            }
        });
        CoroutineQueue q = new CoroutineQueue("handoff", 64, CoroutineQueue.Concurrency.SPSC);
        pipeline = PipelineBuilder.rx("handoff", stack::layer).eth().ip().l4()
                .queue(p -> { p.userData = System.nanoTime(); return 0; }, q)
                .socket().build();
        if (cores == null) cores = allowedCores();
        producerCore = cores[0];
        workerCore = cores[cores.length > 1 ? 1 : 0];
        worker = new Worker("handoff", 0, RealRuntime.withAffinity(affinity), IdleStrategy.busySpin(),
                List.of(new RoundRobinExecutor(q)));
        worker.requestCore(workerCore);
        frame = UdpFrames.frame(PipelineRig.OUR_MAC, PipelineRig.PEER_MAC, PipelineRig.PEER_IP,
                PipelineRig.OUR_IP, 40000, PipelineRig.PORT, new byte[PipelineRig.PAYLOAD]);
    }

    private int[] allowedCores() {
        if (affinity instanceof LinuxAffinity linux) {
            int[] c = linux.allowedCores();
            if (c.length > 0) return c;
        }
        return new int[] {0, 1};
    }

    /** Runs {@code warmup} then {@code count} hand-offs; returns the latency histogram in ns. */
    public Histogram run(int warmup, int count) {
        affinity.pin(producerCore);
        worker.start();
        try {
            loop(warmup);
            recording = true;  // read by the worker after the next hand-off publishes it
            loop(count);
        } finally {
            try {
                worker.stop(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return latency;
    }

    private void loop(int n) {
        LayerContext cx = new LayerContext();  // the producer's, on its thread
        for (int i = 0; i < n; i++) {
            long want = done + 1;
            Packet p = pool.allocate(frame, 0, frame.length);
            coroutines.of(p).start(pipeline, cx);
            while (done != want) Thread.onSpinWait();
        }
    }

    public int producerCore() { return producerCore; }
    /** What pins threads here, so a baseline can run on the same two cores. */
    public RealRuntime.Affinity affinity() { return affinity; }
    public int workerCore() { return workerCore; }
    public boolean pinned() { return !(affinity instanceof io.flexnet.sched.affinity.Unpinned); }

    /** Median cost of one System.nanoTime() call here, which the hand-off figure includes once. */
    public static double clockNanos() {
        long sink = 0;
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 1_000_000; i++) sink += System.nanoTime();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return sink == 42 ? -1 : best;
    }
}
