// One line of the report: a design at a load point, over its repetitions.
package io.flexnet.experiment;

import java.util.List;
import java.util.Map;

/**
 * A design at one load point, its repetitions merged: latencies from the merged histograms
 * (microseconds), counts summed, cores averaged, and the spread of p99 over repetitions.
 *
 * @param offeredRps  requests per second the generator offered this design
 * @param achievedRps replies per second to requests of the measured window
 * @param dropped     drops during the window and its drain, all reasons
 * @param inflation   p99 of the report class divided by the baseline design's at this load; NaN if none
 */
public record Row(String design, double offeredRps, double achievedRps, double p50Us, double p99Us, double p999Us,
                  long dropped, Map<String, Long> drops, double coresMean, double p99MinUs, double p99MaxUs,
                  long unanswered, double coresGranted, double generatorLateP99Us, double generatorCores,
                  long faults, long leakedSlots, int repetitions, List<ClassRow> classes, double inflation) {

    /** Per request class, same units. */
    public record ClassRow(String name, long sent, double achievedRps, double p50Us, double p99Us, double p999Us) {}

    public ClassRow classRow(String name) {
        for (ClassRow c : classes) if (c.name().equals(name)) return c;
        return null;
    }

    public Row withInflation(double f) {
        return new Row(design, offeredRps, achievedRps, p50Us, p99Us, p999Us, dropped, drops, coresMean, p99MinUs, p99MaxUs,
                unanswered, coresGranted, generatorLateP99Us, generatorCores, faults, leakedSlots, repetitions, classes, f);
    }

    /** Drops as {@code reason:count reason:count}, or {@code 0}. */
    public String dropsText() {
        if (drops.isEmpty()) return "0";
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : drops.entrySet()) {
            sb.append(sb.isEmpty() ? "" : " ").append(e.getKey()).append(':').append(e.getValue());
        }
        return sb.toString();
    }
}
