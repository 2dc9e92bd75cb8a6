// One line of the report: a design at a load point, over its repetitions.
package io.flexnet.experiment;

import java.util.List;
import java.util.Map;

/**
 * A design at one load point, its repetitions merged: latencies from the merged histograms
 * (microseconds), counts summed, cores averaged, and the spread of p99 over repetitions. The figures
 * come in small groups, one per question a reader of the report asks.
 *
 * @param offeredRps  requests per second the generator offered this design
 * @param achievedRps replies per second to requests of the measured window
 * @param inflation   p99 of the report class divided by the baseline design's at this load; NaN if none
 */
public record Row(String design, double offeredRps, double achievedRps, Latency latency, Spread spread, Drops drops,
                  Cores cores, Generator generator, Health health, List<ClassRow> classes, double inflation) {

    /** Percentiles of latency in microseconds, from the intended send time; NaN with no replies. */
    public record Latency(double p50Us, double p99Us, double p999Us) {}

    /**
     * How much the p99 moved between repetitions: its lowest and highest over {@code repetitions} runs,
     * its mean over them, and the half-width of that mean's 95% confidence interval (Student's t; NaN
     * with one repetition), as the papers draw their error bars.
     */
    public record Spread(int repetitions, double p99MinUs, double p99MaxUs, double p99MeanUs, double p99Ci95Us) {
        public Spread(int repetitions, double p99MinUs, double p99MaxUs) {
            this(repetitions, p99MinUs, p99MaxUs, Double.NaN, Double.NaN);
        }
    }

    /**
     * Drops during the window and its drain: {@code total} over all reasons, {@code byReason} in
     * {@link io.flexnet.packet.DropReason} order, and requests never answered, which should be no
     * more than the drops that explain them.
     */
    public record Drops(long total, Map<String, Long> byReason, long unanswered) {
        /** Drops as {@code reason:count reason:count}, or {@code 0}. */
        public String text() {
            if (byReason.isEmpty()) return "0";
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Long> e : byReason.entrySet()) {
                sb.append(sb.isEmpty() ? "" : " ").append(e.getKey()).append(':').append(e.getValue());
            }
            return sb.toString();
        }
    }

    /**
     * Cores the stack used, as CPU seconds per second of its threads ({@code mean}), and the mean
     * number a core scheduler granted over the window (NaN when the design has none).
     */
    public record Cores(double mean, double granted) {}

    /** The load generator's own figures: the p99 of how late it sent, and the cores it used. */
    public record Generator(double lateP99Us, double cores) {}

    /** What must be zero in a sound run: executor faults, and slots not back in the pool after it. */
    public record Health(long faults, long leakedSlots) {}

    /** Per request class, same units. */
    public record ClassRow(String name, long sent, double achievedRps, Latency latency) {}

    public ClassRow classRow(String name) {
        for (ClassRow c : classes) if (c.name().equals(name)) return c;
        return null;
    }

    public Row withInflation(double f) {
        return new Row(design, offeredRps, achievedRps, latency, spread, drops, cores, generator, health, classes, f);
    }
}
