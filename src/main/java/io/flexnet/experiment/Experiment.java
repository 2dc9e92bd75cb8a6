// A checked experiment: designs, workload, load points, timing and repetitions, ready to run.
package io.flexnet.experiment;

import io.flexnet.workload.Workload;
import java.util.List;

/**
 * What {@code flexnet run} executes: every design in {@link #designs} at every rate in {@link #loads}
 * (requests per second, all classes together), each run warming up for {@link #warmupNanos} before
 * {@link #durationNanos} of measurement, {@link #repetitions} times. {@code baseline} and
 * {@code inflationClass}, when set, add the tail-latency inflation of that class against the baseline
 * design at the same load; {@code runtime} says which runtime runs it. Made by {@link ExperimentFile}, which checks everything first.
 */
public record Experiment(String name, String description, Workload workload, List<Double> loads, long warmupNanos,
                         long durationNanos, int repetitions, List<DesignSpec> designs, String baseline,
                         String inflationClass, String source, RuntimeChoice runtime) {
    public Experiment {
        if (runtime == null) runtime = RuntimeChoice.REAL;
        loads = List.copyOf(loads);
        designs = List.copyOf(designs);
        if (plannedNanos(designs.size(), loads.size(), repetitions, warmupNanos, durationNanos) > MAX_PLANNED_NANOS) {
            throw new IllegalArgumentException("experiment " + name + " would take more than 7 days");
        }
    }

    /**
     * The most an experiment may plan: 7 days. It also bounds the number of runs (each costs at least
     * {@link #SETUP_NANOS}) to about 1.5 million, so {@link #runs()} fits an {@code int}.
     */
    public static final long MAX_PLANNED_NANOS = 7 * 24 * 3_600_000_000_000L;

    /** Each design first runs once this long, unmeasured, at the first load: the JIT's warm-up. */
    public static final long PRIME_NANOS = 400_000_000L;
    /** What a run costs beyond its warm-up and measurement (set-up, collection, draining), roughly. */
    public static final long SETUP_NANOS = 400_000_000L;

    /** Runs in the experiment: designs × loads × repetitions. */
    public int runs() { return designs.size() * loads.size() * repetitions; }

    /** Wall time the experiment should take: priming, then every run, with a typical set-up cost each. */
    public long plannedNanos() {
        return plannedNanos(designs.size(), loads.size(), repetitions, warmupNanos, durationNanos);
    }

    /** The same from the counts and times; {@link Long#MAX_VALUE} when the product does not fit a long. */
    static long plannedNanos(long designs, long loads, long repetitions, long warmupNanos, long durationNanos) {
        try {
            long runs = Math.multiplyExact(Math.multiplyExact(designs, loads), repetitions);
            long priming = Math.multiplyExact(designs, Math.addExact(warmupNanos, PRIME_NANOS + SETUP_NANOS));
            long perRun = Math.addExact(Math.addExact(warmupNanos, durationNanos), SETUP_NANOS);
            return Math.addExact(priming, Math.multiplyExact(runs, perRun));
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** The same experiment on another runtime (the command line's {@code --runtime}). */
    public Experiment on(RuntimeChoice r) {
        return new Experiment(name, description, workload, loads, warmupNanos, durationNanos, repetitions, designs,
                baseline, inflationClass, source, r);
    }

    public DesignSpec design(String name) {
        for (DesignSpec d : designs) if (d.name().equals(name)) return d;
        return null;
    }
}
