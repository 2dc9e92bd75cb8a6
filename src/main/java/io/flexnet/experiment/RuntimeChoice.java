// Which runtime an experiment runs on: the real one (wall clock, platform threads) or the simulated one.
package io.flexnet.experiment;

import io.flexnet.runtime.sim.CostModel;
import io.flexnet.workload.Durations;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code runtime:} of an experiment file. {@code real} (the default) runs the designs on this
 * machine's cores in wall-clock time. {@code simulated} runs the same designs on {@code cores} virtual
 * cores in virtual time, every cost from the {@link CostModel} (its defaults, with what the file
 * overrides under {@code cost:}): deterministic, and at the papers' scale whatever this machine is.
 *
 * <pre>
 * runtime: {kind: simulated, cores: 6, cost: {wake: 5us, handoff: 300ns}}
 * </pre>
 */
public record RuntimeChoice(boolean simulated, int cores, CostModel cost) {
    public static final RuntimeChoice REAL = new RuntimeChoice(false, 0, CostModel.DEFAULTS);
    /** Virtual cores when the file does not say: the papers' machines have six to eight. */
    public static final int DEFAULT_CORES = 6;
    public static final int MAX_CORES = 256;

    public static RuntimeChoice simulated(int cores, CostModel cost) { return new RuntimeChoice(true, cores, cost); }

    /** Simulated, {@link #DEFAULT_CORES} cores, the cost model's defaults. */
    public static RuntimeChoice simulatedDefaults() { return simulated(DEFAULT_CORES, CostModel.DEFAULTS); }

    /** One line for the report's header: which runtime produced it. */
    public String header() {
        if (!simulated) return "runtime: real (wall clock, this machine's cores)\n";
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : cost.asMap().entrySet()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(e.getKey()).append(' ');
            sb.append(e.getKey().equals("layers-per-item") ? Long.toString(e.getValue()) : Durations.format(e.getValue()));
        }
        return String.format(Locale.ROOT, "runtime: simulated, %d virtual cores, virtual time (costs: %s)%n"
                + "the load generator is an interrupt of the simulation: it takes no core%n", cores, sb);
    }
}
