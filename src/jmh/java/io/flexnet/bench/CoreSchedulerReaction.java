package io.flexnet.bench;

import io.flexnet.proto.LayerContext;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.sched.Compacting;
import io.flexnet.sched.StandingQueue;
import io.flexnet.sched.CorePolicy;
import io.flexnet.sched.CoreScheduler;
import io.flexnet.sched.CoreTimeline;
import io.flexnet.sched.CoreWorker;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.QueueDepth;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.Worker;
import io.flexnet.sched.affinity.LinuxAffinity;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Measures the core scheduler against the design's budgets: the reaction from a load step to the grant,
 * in periods (budget: 2), and the policy loop's own CPU cost at a 5 µs period. Short on purpose; on a
 * shared 2-core machine the figures are noisy, and the spinning scheduler takes one of the two cores.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:$(deps) \
 *     io.flexnet.bench.CoreSchedulerReaction [steps] [costSeconds]
 * </pre>
 *
 * Reaction: a burst of coroutines lands in an empty queue at a random phase of the period; the time to
 * the period whose policy call granted a core is read from the scheduler's timeline. The worker is a
 * stand-in that wakes at once, so this is the decision alone; "wake" adds a real worker's wake-up: the
 * time until a revoked, busy-polling {@link Worker} resumed the first coroutine of the burst.
 */
public final class CoreSchedulerReaction {
    static final long PERIOD = 5_000;

    /**
     * A worker that takes grants instantly and never works, so the decision is measured and nothing
     * else. It notes the period and time of its grant: it is called on the scheduler's thread, inside
     * the period that decided.
     */
    static final class Instant implements CoreWorker {
        volatile boolean granted;
        volatile long grantPeriod = -1;
        volatile long grantNanos;
        CoreScheduler scheduler;

        @Override public long busyNanos() { return 0; }
        @Override public long totalNanos() { return 0; }
        @Override public boolean isSleeping() { return !granted; }
        @Override public boolean sleepsWhenIdle() { return false; }

        @Override
        public void setGranted(boolean g) {
            if (g && !granted && scheduler != null) {
                grantNanos = System.nanoTime();
                grantPeriod = scheduler.periods();  // the number of the period running now
            }
            granted = g;
        }

        @Override public void requestCore(int core) {}
    }

    /** Layers that do nothing but deliver: time stamps the first resume of a burst. */
    static final class Sink implements Function<LayerKind, Layer> {
        volatile long firstResume;

        @Override
        public Layer apply(LayerKind kind) {
            return new Layer() {
                @Override public String name() { return kind.label(); }
                @Override public LayerKind kind() { return kind; }

                @Override
                public int process(Packet p, LayerContext cx) {
                    if (kind == LayerKind.ETH_RCV && firstResume == 0) firstResume = System.nanoTime();
                    if (kind != LayerKind.SOCKET_RCV) return NEXT;
                    p.release();
                    return DONE;
                }
            };
        }
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        double costSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        RealRuntime.Affinity affinity = LinuxAffinity.orUnpinned();
        RealRuntime rt = RealRuntime.withAffinity(affinity);
        int cores = rt.cores();
        // The load generator stays off core 0, where the scheduler's thread spins. (From here on the
        // JVM's availableProcessors() answers 1 on this thread: it reads the thread's affinity.)
        if (cores > 1) affinity.pin(1);
        System.out.printf("machine: %d cores, affinity %s, JDK %s%n", cores, affinity, Runtime.version());
        System.out.printf("period %d ns, %d load steps per policy; scheduler thread spins on core 0%n%n", PERIOD, steps);

        System.out.println("reaction from load step to grant (decision; stand-in workers)");
        System.out.println("                             periods (samples)   wall time (us)");
        System.out.println("policy                        p50   p99   max        p50      p99  within 2 periods");
        reaction("StandingQueue(1, 1) standing", new StandingQueue(1, 1), rt, steps, 1);
        reaction("StandingQueue(0, 1) from none", new StandingQueue(0, 1), rt, steps, 0);
        reaction("QueueDepth(0.5, 0.25, 1)", new QueueDepth(0.5, 0.25, 1), rt, steps, 0);
        reaction("Compacting(5 us, .8, 1, 1)", new Compacting(PERIOD, 0.8, 1, 1), rt, steps, 1);

        System.out.println();
        System.out.println("load step to first resume on a real worker (decision + wake-up), StandingQueue(0, 1)");
        wake(rt, affinity, cores, Math.max(20, steps / 3));

        System.out.println();
        System.out.println("policy loop cost (Compacting, 2 queues, 2 workers)");
        System.out.println("mode          periods/s  step ns p50   p99     max   mean  mean step/period  overruns  thread CPU/wall");
        cost(rt, PERIOD, true, costSeconds);
        cost(rt, 100_000, false, costSeconds);
        cost(rt, 1_000_000, false, costSeconds);
    }

    /**
     * Load steps on an idle stack: {@code spare} workers hold cores already (the policy's minimum), the
     * next one is to be granted. Reaction in periods: samples from the step to the granting one,
     * counting it (1 = the first sample after the step decided).
     */
    private static void reaction(String label, CorePolicy policy, RealRuntime rt, int steps, int spare)
            throws Exception {
        PacketPool pool = new PacketPool(256);
        Coroutines coroutines = new Coroutines(pool);
        CoroutineQueue q = new CoroutineQueue("step", 256);
        Sink sink = new Sink();
        Pipeline rx = PipelineBuilder.rx("step", sink).queue(p -> 0, q).eth().ip().l4().socket().build();
        Instant[] ws = new Instant[spare + 1];
        for (int i = 0; i < ws.length; i++) ws[i] = new Instant();
        CoreScheduler s = CoreScheduler.builder(rt, policy).workers(List.of(ws)).queues(q)
                .periodNanos(PERIOD).spin(true).schedulerCore(0).pin(false)
                .cores(range(ws.length)).build();
        Instant target = ws[spare];
        target.scheduler = s;
        Histogram periods = new Histogram(3), micros = new Histogram(3);
        Coroutine[] out = new Coroutine[256];
        int within = 0, missed = 0, unsettled = 0, measured = 0;
        s.start();
        try {
            for (int i = 0; i < steps + 20; i++) {
                long settle = System.nanoTime() + 50_000_000;
                while (target.granted && System.nanoTime() < settle) LockSupport.parkNanos(20_000);
                // A random phase within the period, so the step does not always land just after a check.
                LockSupport.parkNanos(100_000 + (long) (Math.random() * 100_000));
                if (target.granted) {  // the scheduler's thread was starved of CPU: no clean step now
                    unsettled++;
                    continue;
                }
                target.grantPeriod = -1;
                long step = System.nanoTime();
                long p0 = s.periods();
                for (int k = 0; k < 16; k++) coroutines.of(pool.allocate()).start(rx, LayerContext.at(step));
                long deadline = step + 100_000_000;
                while (target.grantPeriod < 0 && System.nanoTime() < deadline) Thread.onSpinWait();
                int n = q.drain(out, 0, out.length, System.nanoTime());
                for (int k = 0; k < n; k++) out[k].resume(LayerContext.at(System.nanoTime()));
                if (i < 20) continue;  // warm-up
                if (target.grantPeriod < 0) {
                    measured++;
                    missed++;
                    continue;
                }
                measured++;
                long samples = target.grantPeriod - p0 + 1;
                periods.recordValue(Math.max(0, samples));
                micros.recordValue(target.grantNanos - step);
                if (samples <= 2) within++;
            }
        } finally {
            s.stop(2000);
        }
        System.out.printf("%-27s %5d %5d %5d   %8.1f %8.1f  %4d/%d%s%n", label,
                periods.getValueAtPercentile(50), periods.getValueAtPercentile(99), periods.getMaxValue(),
                micros.getValueAtPercentile(50) / 1e3, micros.getValueAtPercentile(99) / 1e3,
                within, measured, (missed > 0 ? " (" + missed + " not granted in 100 ms)" : "")
                        + (unsettled > 0 ? " (" + unsettled + " skipped: previous grant not yet revoked)" : ""));
        pool.close();
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static void wake(RealRuntime rt, RealRuntime.Affinity affinity, int cores, int steps) throws Exception {
        int workerCore = cores > 1 ? 1 : 0;
        PacketPool pool = new PacketPool(256);
        Coroutines coroutines = new Coroutines(pool);
        CoroutineQueue q = new CoroutineQueue("step", 256);
        Sink sink = new Sink();
        Pipeline rx = PipelineBuilder.rx("step", sink).queue(p -> 0, q).eth().ip().l4().socket().build();
        Worker w = new Worker("wake", 0, rt, IdleStrategy.busySpin(), List.of(new RoundRobinExecutor(16, q)));
        CoreScheduler s = CoreScheduler.builder(rt, new StandingQueue(0, 1)).workers(List.of(w)).queues(q)
                .cores(workerCore).periodNanos(PERIOD).spin(true).schedulerCore(0).build();
        Histogram decisionNs = new Histogram(3), resumeNs = new Histogram(3);
        s.start();
        w.start();
        try {
            for (int i = 0; i < steps + 5; i++) {
                long settle = System.nanoTime() + 50_000_000;
                while ((s.coresGranted() != 0 || !w.isSleeping()) && System.nanoTime() < settle) {
                    LockSupport.parkNanos(50_000);
                }
                LockSupport.parkNanos(500_000 + (long) (Math.random() * 200_000));
                sink.firstResume = 0;
                long step = System.nanoTime();
                for (int k = 0; k < 16; k++) coroutines.of(pool.allocate()).start(rx, LayerContext.at(step));
                long deadline = step + 200_000_000;
                // Park, not spin: on two cores the waiting producer must leave the worker's core free.
                while (sink.firstResume == 0 && System.nanoTime() < deadline) LockSupport.parkNanos(10_000);
                while (!q.isEmpty() && System.nanoTime() < deadline) LockSupport.parkNanos(10_000);
                if (i < 5 || sink.firstResume == 0) continue;
                CoreTimeline.Snapshot tl = s.timeline().snapshot();
                int at = tl.firstAtLeast(step, 1);
                if (at >= 0) decisionNs.recordValue(Math.max(0, tl.times()[at] - step));
                resumeNs.recordValue(sink.firstResume - step);
            }
        } finally {
            s.stop(2000);
            w.stop(2000);
        }
        System.out.printf("  step->grant  p50 %6.1f us  p99 %7.1f us  max %7.1f us%n", decisionNs.getValueAtPercentile(50) / 1e3,
                decisionNs.getValueAtPercentile(99) / 1e3, decisionNs.getMaxValue() / 1e3);
        System.out.printf("  step->resume p50 %6.1f us  p99 %7.1f us  max %7.1f us  (%d steps, worker on core %d, pinned: %s)%n",
                resumeNs.getValueAtPercentile(50) / 1e3, resumeNs.getValueAtPercentile(99) / 1e3,
                resumeNs.getMaxValue() / 1e3, resumeNs.getTotalCount(), workerCore, affinity instanceof LinuxAffinity);
        pool.close();
    }

    private static void cost(RealRuntime rt, long period, boolean spin, double seconds) throws Exception {
        PacketPool pool = new PacketPool(256);
        Coroutines coroutines = new Coroutines(pool);
        CoroutineQueue a = new CoroutineQueue("a", 256), b = new CoroutineQueue("b", 256);
        Sink sink = new Sink();
        Pipeline rx = PipelineBuilder.rx("cost", sink).queue(p -> 0, a).eth().ip().l4().socket().build();
        for (int k = 0; k < 8; k++) coroutines.of(pool.allocate()).start(rx, LayerContext.at(System.nanoTime()));
        Instant w0 = new Instant(), w1 = new Instant();
        CoreScheduler s = CoreScheduler.builder(rt, new Compacting(1_000_000_000L, 0.8, 200, 1))
                .workers(List.of(w0, w1)).queues(a, b).cores(0, 1).periodNanos(period).spin(spin)
                .schedulerCore(0).pin(false).build();
        s.start();
        Thread.sleep((long) (seconds * 1000));
        s.stop(2000);
        long periods = s.periods();
        Histogram cost = s.stepCost();
        System.out.printf("%-12s %10.0f  %11d %5d %7d %6.0f  %15.2f%%  %8d  %14.1f%%%n",
                (spin ? "spin " : "park ") + (period / 1000) + " us", periods / (s.wallNanos() / 1e9),
                cost.getValueAtPercentile(50), cost.getValueAtPercentile(99), cost.getMaxValue(),
                (double) s.stepNanosTotal() / periods, 100.0 * s.stepNanosTotal() / periods / period,
                s.overruns(), s.cpuNanos() < 0 ? Double.NaN : 100.0 * s.cpuNanos() / s.wallNanos());
        Coroutine[] out = new Coroutine[256];
        int n = a.drain(out, 0, out.length, System.nanoTime());
        for (int k = 0; k < n; k++) out[k].resume(LayerContext.at(System.nanoTime()));
        pool.close();
    }
}
