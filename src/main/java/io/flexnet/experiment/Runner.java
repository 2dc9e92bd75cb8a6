// Runs every design of an experiment at every load point: builds the stack, offers the load, measures, tears down.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.nic.InMemoryNic;
import io.flexnet.nic.PcapWriter;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.runtime.sim.SimRuntime;
import io.flexnet.sched.CoreScheduler;
import io.flexnet.sched.CoreTimeline;
import io.flexnet.sched.Worker;
import io.flexnet.workload.Addresses;
import io.flexnet.workload.LatencyMeter;
import io.flexnet.workload.LoadGenerator;
import io.flexnet.workload.RequestClass;
import io.flexnet.workload.TcpClients;
import io.flexnet.workload.Workload;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Executes an {@link Experiment}. Each run gets a new packet pool, NIC, engine and design instance, so
 * runs cannot leak state into each other; the generator sends on the calling thread while a sampler
 * thread measures the stack's CPU, snapshots drops when the measured window opens, and prints a
 * progress line. After the last request the runner waits for replies to stop (at most
 * {@link #DRAIN_MILLIS}), then shuts the stack down in order and checks every slot came back.
 */
public final class Runner {
    static final int POOL_SLOTS = 16384;
    /** Requests the latency meter remembers at least, and at most: see {@link #meterCapacity}. */
    static final int METER_MIN = 1 << 16, METER_MAX = 1 << 22;
    static final long DRAIN_MILLIS = 3000;
    /** Between the generator's start call and its first request: set-up is not lateness. */
    private static final long LEAD_NANOS = 5_000_000;
    /** How long a TCP workload's connections may take to open. */
    private static final long CONNECT_NANOS = 2_000_000_000L;

    private final PrintStream progress;
    private final PcapWriter capture;
    private final Addresses addresses = Addresses.DEFAULT;
    /** Time and threads for real runs (a simulated run makes a simulation of its own). */
    private final StackRuntime runtime = RealRuntime.INSTANCE;
    private boolean prime = true;

    /** {@code progress}: where the progress line goes (null: nowhere); {@code capture}: pcap of every run, or null. */
    public Runner(PrintStream progress, PcapWriter capture) {
        this.progress = progress;
        this.capture = capture;
    }

    /** Whether each design runs once unmeasured before the experiment (default true; tests of wiring skip it). */
    public Runner prime(boolean prime) {
        this.prime = prime;
        return this;
    }

    public Results run(Experiment x) throws Exception {
        Machine machine = Machine.current();
        long t0 = runtime.nanoTime();
        List<RunResult> runs = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        int total = x.runs(), done = 0;
        // The first run of a design would otherwise measure the JIT compiling its code paths.
        // Virtual time does not see the JIT: a simulated experiment needs no priming.
        boolean priming = prime && !x.runtime().simulated();
        int primes = priming ? x.designs().size() : 0;
        for (DesignSpec d : priming ? x.designs() : List.<DesignSpec>of()) {
            runOnce(x, d, x.loads().getFirst(), 0, Experiment.PRIME_NANOS,
                    new Progress(d.name() + " (priming, unmeasured)", x.loads().getFirst(), 0, 0, total, --primes, x));
        }
        for (DesignSpec d : x.designs()) {
            for (double load : x.loads()) {
                List<RunResult> reps = new ArrayList<>();
                for (int r = 0; r < x.repetitions(); r++) {
                    Progress p = new Progress(d.name(), load, r, done, total, 0, x);
                    RunResult rr = runOnce(x, d, load, r, x.durationNanos(), p);
                    reps.add(rr);
                    runs.add(rr);
                    done++;
                }
                rows.add(merge(reps));
            }
        }
        if (progress != null) progress.print("\r" + " ".repeat(100) + "\r");
        if (x.baseline() != null) rows = inflate(rows, x);
        return new Results(x, machine, rows, runs, runtime.nanoTime() - t0);
    }

    /** One design at one rate, once, measuring for {@code durationNanos} after the warm-up. */
    RunResult runOnce(Experiment x, DesignSpec spec, double load, int repetition, long durationNanos, Progress prog)
            throws Exception {
        Workload all = spec.shares() == null ? x.workload() : x.workload().withShares(spec.shares());
        Workload w = spec.classes() == null ? all : all.only(spec.classes());
        if (x.runtime().simulated() && repetition > 0) {
            // Virtual time has no noise: the same seed would repeat the run exactly. Each repetition
            // draws its own requests, still the same ones every time the file runs.
            w = new Workload(w.arrivals(), w.flows(), w.classes(), w.service(), w.keys(), w.seed() + repetition,
                    w.generatorWait(), w.transport());
        }
        double offered = load * shares(w) / shares(all);
        PacketPool pool = new PacketPool(POOL_SLOTS);
        // A simulated run gets a simulation of its own: nothing carries over from one run to the next.
        final SimRuntime sim = x.runtime().simulated() ? new SimRuntime(x.runtime().cores(), x.runtime().cost()) : null;
        final StackRuntime runtime = sim != null ? sim : this.runtime;
        try {
            LatencyMeter meter = new LatencyMeter(w.classes().size(), meterCapacity(offered), runtime::nanoTime);
            DesignContext ctx = new DesignContext(w, pool, meter, capture, addresses, runtime);
            try {
                spec.create().assemble(ctx);
            } catch (Exception | LinkageError | AssertionError e) {
                // The design's own code failed: say which design, and where the file names it.
                throw new DesignFailedException(x.source(), spec, e);
            }
            Engine engine = ctx.engine();
            InMemoryNic nic = ctx.inMemoryNic();
            TcpClients clients = ctx.tcpClients();
            CoreScheduler sched = ctx.schedulerOrNull();
            if (sim != null && !ctx.appThreads().isEmpty()) {
                throw new DesignFailedException(x.source(), spec, new IllegalStateException("it runs "
                        + ctx.appThreads().size() + " application threads of its own, which the simulated runtime cannot run"));
            }

            // Set-up made garbage (pool handles, counters, the meter's arrays); collect it now so no
            // collector pause lands inside the measured window: the request path allocates nothing.
            System.gc();
            engine.start();
            if (sched != null && sim != null) {
                // The periods as timer events; the first on this thread, so a refusing policy throws here.
                long t0 = sim.nanoTime();
                sched.step(t0);
                engine.wakeGranted();
                sim.every(sched.periodNanos(), t0 + sched.periodNanos(), t -> {
                    engine.accountIdle(t);
                    sched.step(t);
                    engine.wakeGranted();
                });
            } else if (sched != null) {
                sched.start();
            }
            for (Thread t : ctx.appThreads()) t.start();
            if (clients != null) {
                try {
                    clients.open(CONNECT_NANOS);  // on the simulated runtime, opening runs the simulation
                } catch (IllegalStateException e) {
                    throw new DesignFailedException(x.source(), spec, e);
                }
            }
            LoadGenerator gen = new LoadGenerator(nic, w, offered, meter, addresses, runtime, clients);

            long start = runtime.nanoTime() + LEAD_NANOS;
            long from = start + x.warmupNanos(), to = from + durationNanos;
            Map<String, Long> dropsAtWindow;
            double coresMean;
            double[][] timeline;
            if (sim != null) {
                SimulatedSampler sampler = new SimulatedSampler(ctx, sim, start, from, to, prog, progress);
                gen.run(start, x.warmupNanos(), durationNanos);  // the generator's waits run the simulation
                drain(ctx, gen, meter, clients);
                dropsAtWindow = sampler.dropsAtWindow;
                coresMean = sampler.coresMean();
                timeline = sampler.timeline();
            } else {
                RunSampler sampler = new RunSampler(ctx, start, from, to, prog, progress);
                Thread st = Thread.ofPlatform().name("experiment-sampler").daemon(true).start(sampler);
                gen.run(start, x.warmupNanos(), durationNanos);
                drain(ctx, gen, meter, clients);
                sampler.stop();
                st.join(1000);
                dropsAtWindow = sampler.dropsAtWindow;
                coresMean = sampler.coresMean();
                timeline = sampler.timeline();
            }

            if (sched != null) sched.stop(1000);
            engine.shutdown(500);
            for (AutoCloseable c : ctx.closeables()) c.close();
            for (Thread t : ctx.appThreads()) t.interrupt();
            for (Thread t : ctx.appThreads()) t.join(1000);
            nic.close();  // the in-memory NIC, not a capturing wrapper: the capture file lives across runs

            Map<String, Long> drops = diff(ctx.dropsByReason(), dropsAtWindow);
            DropCounters.byReason(List.of(gen.drops())).forEach((reason, n) -> drops.merge(reason, n, Long::sum));

            List<String> names = w.classes().stream().map(RequestClass::name).toList();
            Histogram[] lat = new Histogram[names.size()];
            long[] sent = new long[names.size()];
            long answered = 0;
            for (int c = 0; c < lat.length; c++) {
                lat[c] = meter.take(c);
                sent[c] = gen.sentInWindow(c);
                answered += lat[c].getTotalCount();
            }
            long faults = 0;
            for (Worker wk : engine.workers()) faults += wk.faults().total();
            long leaked = pool.capacity() - pool.available();
            double granted = Double.NaN;
            double[][] grantedLine = new double[0][];
            if (sched != null) {
                CoreTimeline.Snapshot s = sched.timeline().snapshot();
                granted = meanGranted(s, from, to);
                grantedLine = grantedTimeline(s, start);
            }
            // A simulated generator is an interrupt of the simulation: it takes no virtual core.
            double genCores = sim != null || gen.cpuNanos() < 0 ? Double.NaN : (double) gen.cpuNanos() / gen.wallNanos();
            long sentAll = 0;
            for (long s : sent) sentAll += s;
            return new RunResult(spec.name(), offered, repetition, names, lat, sent, durationNanos, drops,
                    Math.max(0, sentAll - answered), coresMean, granted, gen.lateness(), genCores, faults, leaked,
                    timeline, grantedLine);
        } finally {
            // Off-heap slots go back to the OS once nothing can touch them: workers have stopped above.
            pool.close();
        }
    }

    /** Room for every request of 4 seconds at {@code rate}: a reply later than that is counted stale. */
    static int meterCapacity(double rate) {
        long want = (long) Math.ceil(rate * 4);
        return (int) Math.max(METER_MIN, Math.min(METER_MAX, Long.highestOneBit(Math.max(1, want - 1)) << 1));
    }

    private static double shares(Workload w) {
        double s = 0;
        for (RequestClass c : w.classes()) s += c.share();
        return s;
    }

    /** Waits until every request sent has been answered or dropped, replies stop coming, or the drain time is up. */
    private static void drain(DesignContext ctx, LoadGenerator gen, LatencyMeter meter, TcpClients clients) {
        final StackRuntime runtime = ctx.runtime();
        long deadline = runtime.nanoTime() + DRAIN_MILLIS * 1_000_000;
        long last = -1;
        int still = 0;
        while (runtime.nanoTime() < deadline) {
            long answered = meter.responses() + meter.stale();
            long dropped = 0;
            for (long v : ctx.dropsByReason().values()) dropped += v;
            if (answered + dropped + gen.drops().total() >= gen.sent()) return;
            still = answered == last ? still + 1 : 0;
            if (still >= (clients != null ? 500 : 100)) return;  // 500 ms without a reply: what is left is not coming
            last = answered;
            if (clients != null) clients.tick();  // a lost request or reply is sent again by the client's timers
            runtime.park(clients != null ? 1_000_000 : 5_000_000);
        }
    }

    private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : now.entrySet()) {
            long d = e.getValue() - (before == null ? 0 : before.getOrDefault(e.getKey(), 0L));
            if (d != 0) out.put(e.getKey(), d);
        }
        return out;
    }

    /** Time-weighted mean of cores granted over [from, to). */
    static double meanGranted(CoreTimeline.Snapshot s, long from, long to) {
        if (s.size() == 0 || to <= from) return Double.NaN;
        double area = 0;
        int level = 0;
        long at = from;
        for (int i = 0; i < s.size(); i++) {
            long t = s.times()[i];
            if (t <= from) {
                level = s.granted()[i];
                continue;
            }
            if (t >= to) break;
            area += (double) level * (t - at);
            at = t;
            level = s.granted()[i];
        }
        area += (double) level * (to - at);
        return area / (to - from);
    }

    private static double[][] grantedTimeline(CoreTimeline.Snapshot s, long start) {
        double[][] out = new double[s.size()][];
        for (int i = 0; i < s.size(); i++) out[i] = new double[] {(s.times()[i] - start) / 1e9, s.granted()[i]};
        return out;
    }

    /** Merges repetitions of one design at one load. */
    static Row merge(List<RunResult> reps) {
        RunResult first = reps.getFirst();
        List<String> names = first.classes();
        Histogram all = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 3);
        Histogram late = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 2);
        Histogram[] byClass = new Histogram[names.size()];
        long[] sent = new long[names.size()];
        for (int c = 0; c < byClass.length; c++) byClass[c] = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 3);
        Map<String, Long> drops = new LinkedHashMap<>();
        long window = 0, unanswered = 0, faults = 0, leaked = 0;
        double cores = 0, granted = 0, genCores = 0;
        double p99Min = Double.MAX_VALUE, p99Max = 0;
        double[] p99s = new double[reps.size()];
        int rep = 0;
        for (RunResult r : reps) {
            for (int c = 0; c < byClass.length; c++) {
                byClass[c].add(r.latency()[c]);
                sent[c] += r.sent()[c];
            }
            Histogram a = r.allLatency();
            all.add(a);
            late.add(r.lateness());
            double p99 = us(a, 99);
            p99s[rep++] = p99;
            p99Min = Math.min(p99Min, p99);
            p99Max = Math.max(p99Max, p99);
            r.drops().forEach((k, v) -> drops.merge(k, v, Long::sum));
            window += r.windowNanos();
            unanswered += r.unanswered();
            faults += r.faults();
            leaked += r.leakedSlots();
            cores += r.coresMean();
            granted += r.coresGranted();
            genCores += r.generatorCores();
        }
        int n = reps.size();
        double secs = window / 1e9;
        List<Row.ClassRow> classes = new ArrayList<>();
        for (int c = 0; c < byClass.length; c++) {
            classes.add(new Row.ClassRow(names.get(c), sent[c], byClass[c].getTotalCount() / secs, latency(byClass[c])));
        }
        return new Row(first.design(), first.offeredRps(), all.getTotalCount() / secs, latency(all),
                new Row.Spread(n, p99Min, p99Max, Confidence.mean(p99s), Confidence.halfWidth95(p99s)), new Row.Drops(total(drops), inReasonOrder(drops), unanswered),
                new Row.Cores(cores / n, granted / n), new Row.Generator(us(late, 99), genCores / n),
                new Row.Health(faults, leaked), classes, Double.NaN);
    }

    private static Row.Latency latency(Histogram h) {
        return new Row.Latency(us(h, 50), us(h, 99), us(h, 99.9));
    }

    /** Drops in the order of {@link DropReason}, so reports list them the same way every time. */
    static Map<String, Long> inReasonOrder(Map<String, Long> drops) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            Long n = drops.get(r.label());
            if (n != null && n != 0) out.put(r.label(), n);
        }
        drops.entrySet().stream().filter(e -> !out.containsKey(e.getKey()) && e.getValue() != 0)
                .sorted(Map.Entry.comparingByKey()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static long total(Map<String, Long> m) {
        long n = 0;
        for (long v : m.values()) n += v;
        return n;
    }

    /** A percentile in microseconds; NaN for an empty histogram. */
    static double us(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) return Double.NaN;
        return h.getValueAtPercentile(percentile) / 1e3;
    }

    /** Adds the report class's p99 inflation against the baseline design at the same load. */
    static List<Row> inflate(List<Row> rows, Experiment x) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Row base = null;
            for (Row b : rows) {
                if (b.design().equals(x.baseline()) && loadIndex(x, b, rows) == loadIndex(x, r, rows)) base = b;
            }
            Row.ClassRow mine = r.classRow(x.inflationClass());
            Row.ClassRow theirs = base == null ? null : base.classRow(x.inflationClass());
            double f = mine == null || theirs == null ? Double.NaN : mine.latency().p99Us() / theirs.latency().p99Us();
            out.add(r.withInflation(f));
        }
        return out;
    }

    /** Position of a row among its design's rows: its load point (offered rates differ when classes are restricted). */
    private static int loadIndex(Experiment x, Row r, List<Row> rows) {
        int i = 0;
        for (Row o : rows) {
            if (o == r) return i;
            if (o.design().equals(r.design())) i++;
        }
        return -1;
    }

    /** What the progress line says about the run in progress (priming runs count as the first run). */
    record Progress(String design, double load, int repetition, int done, int total, int primesLeft, Experiment x) {
        String line(long now, long from, long to) {
            long per = x.warmupNanos() + x.durationNanos() + Experiment.SETUP_NANOS;
            long prime = x.warmupNanos() + Experiment.PRIME_NANOS + Experiment.SETUP_NANOS;
            long leftThis = Math.max(0, to - now);
            int runsLeft = primesLeft > 0 || design.endsWith("unmeasured)") ? total : total - done - 1;
            double leftAll = (leftThis + (double) runsLeft * per + (double) primesLeft * prime) / 1e9;
            String phase = now < from ? "warm-up" : now < to ? "measuring" : "draining";
            String reps = x.repetitions() > 1 ? String.format(Locale.ROOT, " rep %d/%d", repetition + 1, x.repetitions()) : "";
            return String.format(Locale.ROOT, "\r[%d/%d] %s at %,.0f req/s%s: %s, %.1fs left (all: ~%.0fs)   ",
                    done + 1, total, design, load, reps, phase, leftThis / 1e9, leftAll);
        }
    }
}
