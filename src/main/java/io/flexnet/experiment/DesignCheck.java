// Liveness and stability of each design's queue hierarchy, found without running it.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.runtime.sim.SimRuntime;
import io.flexnet.sched.Executor;
import io.flexnet.sched.NicPoll;
import io.flexnet.sched.Worker;
import io.flexnet.workload.Addresses;
import io.flexnet.workload.LatencyMeter;
import io.flexnet.workload.RequestClass;
import io.flexnet.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code flexnet check FILE} says of each design, from its assembled structure and the file's
 * workload, before anything runs (the FlexNet paper's §7: verifying a design's liveness and stability).
 *
 * <p><b>Liveness.</b> Every coroutine queue a pipeline parks in must be drained by an executor on some
 * worker, else its coroutines wait forever. A selector that declares how many queues it chooses among
 * ({@link io.flexnet.pipeline.Selector#range()}, as a policy hook does) must match its point's queues.
 *
 * <p><b>Stability.</b> Each request costs its mean service time on a worker that serves requests: the
 * workers running an executor other than a NIC poller when the design has such workers (the pollers
 * hand their frames on), else the pollers themselves (run to completion). At most as many of them run
 * at once as the runtime has cores. Utilisation ρ = λ · E[S] / servers must stay below 1; the check
 * names the load at which it reaches 1. It is a bound: a design whose policy loads its servers unevenly
 * (a hash over few flows) saturates earlier, which only a run shows.
 *
 * <p><b>Per queue.</b> Where a design has several queues, each point's selector is asked where the
 * workload's requests go ({@link QueueLoad}), and each queue's share of the work over the workers
 * draining it gives the load at which that queue saturates, named with the loads it cannot take.
 */
public final class DesignCheck {
    /** One design's verdict: problems that make it fail whatever the load, and its saturation load. */
    public record Verdict(String design, List<String> problems, int servers, double meanServiceNanos,
                          double saturationRps, List<String> unstableLoads, List<QueueVerdict> queues) {
        public boolean ok() { return problems.isEmpty() && unstableLoads.isEmpty(); }

        public Verdict(String design, List<String> problems, int servers, double meanServiceNanos,
                       double saturationRps, List<String> unstableLoads) {
            this(design, problems, servers, meanServiceNanos, saturationRps, unstableLoads, List.of());
        }
    }

    /**
     * One queue's share of the work and where it saturates: its drainers serve {@code workNanos} of
     * service per request of the whole workload, so it saturates at {@code drainers / workNanos}
     * requests a second (capped by the cores), and is unstable at the loads listed.
     */
    public record QueueVerdict(String queue, double workNanos, int drainers, double saturationRps, List<String> unstableLoads) {}

    private DesignCheck() {}

    public static List<Verdict> check(Experiment x) {
        List<Verdict> out = new ArrayList<>();
        for (DesignSpec d : x.designs()) out.add(check(x, d));
        return out;
    }

    static Verdict check(Experiment x, DesignSpec spec) {
        Workload all = x.workload();
        Workload w = spec.classes() == null ? all : all.only(spec.classes());
        List<String> problems = new ArrayList<>();
        StackRuntime runtime = x.runtime().simulated()
                ? new SimRuntime(x.runtime().cores(), x.runtime().cost()) : RealRuntime.INSTANCE;
        int cores = runtime.cores();
        try (PacketPool pool = new PacketPool(256)) {
            LatencyMeter meter = new LatencyMeter(w.classes().size(), 1 << 10, runtime::nanoTime);
            DesignContext ctx = new DesignContext(w, pool, meter, null, Addresses.DEFAULT, runtime);
            try {
                spec.create().assemble(ctx);
            } catch (Exception | LinkageError | AssertionError e) {
                problems.add("assemble() failed: " + e.getMessage());
                return new Verdict(spec.name(), problems, 0, w.meanServiceNanos(), Double.NaN, List.of());
            }
            Engine e = ctx.engine();
            for (io.flexnet.pipeline.Pipeline pl : e.pipelines()) {
                for (io.flexnet.pipeline.Pipeline.QueuePoint qp : pl.queuePoints()) {
                    int range = qp.selector().range();
                    if (range > 0 && range != qp.queues().size()) {
                        problems.add("pipeline '" + pl.name() + "' step " + qp.step() + " " + qp.stepName() + ": its selector "
                                + "chooses among " + range + " queues but the point has " + qp.queues().size()
                                + (range > qp.queues().size() ? " (indexes past the last are dropped as selector-out-of-range)"
                                        : " (the queues past the selector's range never get a coroutine)"));
                    }
                }
            }
            for (CoroutineQueue q : e.queues()) {
                if (drainers(e, q) == 0) {
                    problems.add("queue '" + q.name() + "' has no executor: its coroutines would wait forever");
                }
            }
            int servers = servers(e);
            int running = Math.min(servers, cores);
            double s = w.meanServiceNanos();
            double saturation = running == 0 ? 0 : running / s * 1e9;
            if (servers == 0) problems.add("no worker serves requests");
            double share = shares(w) / shares(all);
            List<String> unstable = new ArrayList<>();
            for (double load : x.loads()) {
                double rho = load * share * s / 1e9 / Math.max(1, running);
                if (rho >= 1) unstable.add(String.format(Locale.ROOT, "%,.0f req/s (utilisation %.2f)", load, rho));
            }
            for (AutoCloseable c : ctx.closeables()) {
                try {
                    c.close();
                } catch (Exception ignored) {  // nothing ran; closing only returns what was made
                }
            }
            List<QueueVerdict> perQueue = new ArrayList<>();
            if (problems.isEmpty()) {
                java.util.Map<CoroutineQueue, Double> work = new java.util.LinkedHashMap<>();
                for (io.flexnet.pipeline.Pipeline pl : e.pipelines()) work.putAll(QueueLoad.of(pl, w, Addresses.DEFAULT, pool));
                for (var en : work.entrySet()) {
                    int d = Math.min(drainers(e, en.getKey()), cores);
                    double sat = en.getValue() <= 0 || d == 0 ? Double.POSITIVE_INFINITY : d * 1e9 / en.getValue() / share;
                    List<String> over = new ArrayList<>();
                    for (double load : x.loads()) {
                        double rho = load * share * en.getValue() / 1e9 / Math.max(1, d);
                        if (rho >= 1) over.add(String.format(Locale.ROOT, "%,.0f req/s (utilisation %.2f)", load, rho));
                    }
                    perQueue.add(new QueueVerdict(en.getKey().name(), en.getValue(), d, sat, over));
                }
            }
            return new Verdict(spec.name(), problems, running, s, saturation / share, unstable, perQueue);
        }
    }

    private static int drainers(Engine e, CoroutineQueue q) {
        int n = 0;
        for (Worker w : e.workers()) {
            for (Executor ex : w.executors()) if (ex.queues().contains(q)) n++;
        }
        return n;
    }

    /** Workers that run requests' service: those with any executor besides a NIC poller, else all pollers. */
    private static int servers(Engine e) {
        int beyondPolling = 0;
        for (Worker w : e.workers()) {
            for (Executor ex : w.executors()) {
                if (!(ex instanceof NicPoll)) {
                    beyondPolling++;
                    break;
                }
            }
        }
        return beyondPolling > 0 ? beyondPolling : e.workers().size();
    }

    private static double shares(Workload w) {
        double s = 0;
        for (RequestClass c : w.classes()) s += c.share();
        return s;
    }

    /** The verdicts as lines for the terminal. */
    public static String text(List<Verdict> vs) {
        StringBuilder sb = new StringBuilder();
        for (Verdict v : vs) {
            sb.append(v.design()).append(": ");
            if (!v.problems().isEmpty()) {
                sb.append(String.join("; ", v.problems())).append('\n');
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%d serving worker%s, mean service %.2f us: saturates at %,.0f req/s",
                    v.servers(), v.servers() == 1 ? "" : "s", v.meanServiceNanos() / 1e3, v.saturationRps()));
            if (!v.unstableLoads().isEmpty()) sb.append("; unstable at ").append(String.join(", ", v.unstableLoads()));
            sb.append('\n');
            if (v.queues().size() > 1) {
                for (QueueVerdict q : v.queues()) {
                    sb.append(String.format(Locale.ROOT, "  queue '%s': %.2f us of service per request, %d worker%s: saturates at %s",
                            q.queue(), q.workNanos() / 1e3, q.drainers(), q.drainers() == 1 ? "" : "s",
                            Double.isInfinite(q.saturationRps()) ? "no load" : String.format(Locale.ROOT, "%,.0f req/s", q.saturationRps())));
                    if (!q.unstableLoads().isEmpty()) sb.append("; unstable at ").append(String.join(", ", q.unstableLoads()));
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }
}
