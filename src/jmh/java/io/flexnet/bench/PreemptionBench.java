package io.flexnet.bench;

import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.PreemptibleApplication;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.Quantum;
import io.flexnet.runtime.QuantumTimer;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.sched.ExecContext;
import io.flexnet.sched.Executor;
import io.flexnet.sched.ProcessorSharing;
import io.flexnet.sched.Requeue;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.workload.UdpFrames;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What preemption by yield points costs on one core:
 * <ul>
 * <li>{@code work} against {@code workYielding}: a handler's loop of {@value #WORK} dependent steps,
 *     without and with a yield-point check after every step (the flag not raised): the difference
 *     over {@value #WORK} is one check's cost (goal ≤ 1 ns);</li>
 * <li>{@code preemptResume}: a request stopped at its yield point and resumed, over and over — one
 *     slice's begin and end, the pipeline's return to the executor, the requeue, the poll, and the
 *     compiled pipeline re-entering the {@code yield()} (goal ≤ 50 ns);</li>
 * <li>{@code requestRunToCompletion} against {@code requestPreemptible}: a whole request (UDP frame in,
 *     reply out through the real layers) with the {@code work} handler under a round-robin executor,
 *     and with the same work polling its yield point every {@value #STRIDE} steps (a hundred-odd
 *     nanoseconds of work, as a handler polls in an outer loop) under processor sharing with nothing
 *     preempted: throughput lost to preemption with no long requests (goal ≤ 2%).
 *     {@code requestPreemptibleDense} polls after every step, the worst case.</li>
 * </ul>
 *
 * <pre>{@code ./flexnet jmh PreemptionBench}</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PreemptionBench {
    static final int WORK = 1_000;
    static final int STRIDE = 100;
    private static final long OUR_MAC = MacAddress.parse("02:00:c6:12:00:02");
    private static final long PEER_MAC = MacAddress.parse("02:00:c6:12:00:01");
    private static final int OUR_IP = Ip4.parse("198.18.0.2");
    private static final int PEER_IP = Ip4.parse("198.18.0.1");
    private static final int PORT = 9000;

    private final QuantumTimer timer = QuantumTimer.manual(RealRuntime.INSTANCE);
    /** Never ticked: the flag stays down, as when every request fits its quantum. */
    private final Quantum quantum = timer.quantum("bench", 10_000);
    private final LayerContext cx = new LayerContext();
    private int seed = 1;

    private PacketPool pool;
    private ProtoStack stack;
    private Coroutines coroutines;
    private ExecContext ctx;
    private CoroutineQueue queue, cycle;
    private Requeue back, cycleBack;
    private byte[] frame;
    private Pipeline plain, preemptible, dense, cycling;
    private Executor rr, ps;
    private long sent;
    private long cycles;
    private Coroutine cycler;

    @Setup
    public void setup() {
        cx.setQuantum(quantum);
        pool = new PacketPool(64);
        stack = new ProtoStack(new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), pool, p -> {
            sent++;
            p.release();
        }, RealRuntime.INSTANCE);
        stack.arp().learnPermanent(PEER_IP, PEER_MAC);
        stack.ports().bind(PORT, Endpoint.servedAtYield(1));
        coroutines = new Coroutines(pool);
        ctx = new ExecContext(0);
        queue = new CoroutineQueue("requests", 64, CoroutineQueue.Concurrency.SPSC);
        back = co -> queue;
        cycle = new CoroutineQueue("cycle", 64, CoroutineQueue.Concurrency.SPSC);
        cycleBack = co -> cycle;
        Application work = co -> {
            co.packet().userData = spin(seed++);
            return Application.ANSWER;
        };
        PreemptibleApplication workYielding = (co, c) -> {
            long h = spinYieldingEvery(seed++, c);
            if (h == Long.MIN_VALUE) return Application.PREEMPTED;  // never: the flag stays down
            co.packet().userData = h;
            return Application.ANSWER;
        };
        PreemptibleApplication workYieldingDense = (co, c) -> {
            long h = spinYielding(seed++, c);
            if (h == Long.MIN_VALUE) return Application.PREEMPTED;  // never: the flag stays down
            co.packet().userData = h;
            return Application.ANSWER;
        };
        PreemptibleApplication alwaysPreempted = (co, c) -> {
            co.setProgress(co.progress() + 1);
            return Application.PREEMPTED;
        };
        plain = pipeline("plain", work, queue);
        preemptible = pipeline("preemptible", workYielding, queue);
        dense = pipeline("dense", workYieldingDense, queue);
        cycling = pipeline("cycling", alwaysPreempted, cycle);
        rr = new RoundRobinExecutor(queue);
        ps = new ProcessorSharing(quantum, queue);
        frame = UdpFrames.frame(OUR_MAC, PEER_MAC, PEER_IP, OUR_IP, 40000, PORT, new byte[32]);
        // One coroutine that goes round the preempt-resume cycle for ever.
        Packet p = pool.allocate(frame, 0, frame.length);
        cycler = coroutines.of(p);
        cycler.start(cycling, ctx.layers());
        ctx.resumeSlice(cycle, quantum, cycleBack);  // runs the layers once, then it cycles at yield()
    }

    private Pipeline pipeline(String name, Application app, CoroutineQueue q) {
        return PipelineBuilder.rxTx(name, stack::layer).queue(p -> 0, q)
                .eth().ip().l4().yieldTo(app).l4().ip().eth().build();
    }

    private static long spin(long h) {
        for (int i = 0; i < WORK; i++) h = h * 31 + i;
        return h;
    }

    private static long spinYielding(long h, LayerContext cx) {
        for (int i = 0; i < WORK; i++) {
            h = h * 31 + i;
            if (cx.yieldPoint()) return Long.MIN_VALUE;
        }
        return h;
    }

    /** The same work polling every {@value #STRIDE} steps. */
    private static long spinYieldingEvery(long h, LayerContext cx) {
        for (int i = 0; i < WORK; i += STRIDE) {
            for (int j = i; j < i + STRIDE; j++) h = h * 31 + j;
            if (cx.yieldPoint()) return Long.MIN_VALUE;
        }
        return h;
    }

    @Benchmark
    public long work() { return spin(seed++); }

    @Benchmark
    public long workYielding() { return spinYielding(seed++, cx); }

    @Benchmark
    public int preemptResume() {
        cycles++;
        return ctx.resumeSlice(cycle, quantum, cycleBack);
    }

    private long request(Pipeline pl, Executor ex) {
        Packet p = pool.allocate(frame, 0, frame.length);
        coroutines.of(p).start(pl, ctx.layers());
        ex.doWork(ctx);
        return sent;
    }

    @Benchmark
    public long requestRunToCompletion() { return request(plain, rr); }

    @Benchmark
    public long requestPreemptible() { return request(preemptible, ps); }

    @Benchmark
    public long requestPreemptibleDense() { return request(dense, ps); }

    @TearDown
    public void tearDown() {
        if (stack.dropsByReason().size() != 0 || plain.drops().total() + preemptible.drops().total() + dense.drops().total()
                + cycling.drops().total() != 0) {
            throw new IllegalStateException("drops: " + stack.dropsByReason());
        }
        // Every op of preemptResume resumed the one request at its yield() and had it preempted again.
        if (cycler.progress() != cycles + 1 || cycler.preemptions() != cycles + 1) {
            throw new IllegalStateException("preempted " + cycler.preemptions() + " times in " + cycles + " ops");
        }
        quantum.close();
    }
}
