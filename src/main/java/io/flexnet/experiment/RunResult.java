// What one run (a design at a load point, one repetition) measured.
package io.flexnet.experiment;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The raw outcome of one run: latency histograms per request class (ns, requests intended in the
 * measured window), how many such requests were sent, drops by reason during the window and the drain
 * after it, cores used (CPU of the stack's threads per second of the window) and, with a core
 * scheduler, cores granted; the generator's own lateness and CPU; and the cores-in-use timeline.
 *
 * @param classes      request class names, the index of {@code latency} and {@code sent}
 * @param unanswered   requests of the window that got no reply (dropped, or still queued at the end)
 * @param coresGranted mean cores the core scheduler granted over the window, NaN without one
 * @param faults       executor faults counted by the workers (should be 0)
 * @param leakedSlots  pool slots not returned after shutdown (should be 0)
 * @param timeline     cores used over the run: seconds since the first request, cores
 * @param granted      cores granted over the run (empty without a scheduler): seconds, cores
 */
public record RunResult(String design, double offeredRps, int repetition, List<String> classes, Histogram[] latency,
                        long[] sent, long windowNanos, Map<String, Long> drops, long unanswered, double coresMean,
                        double coresGranted, Histogram lateness, double generatorCores, long faults, long leakedSlots,
                        double[][] timeline, double[][] granted) {

    /** All classes together. */
    public Histogram allLatency() {
        Histogram h = new Histogram(1, io.flexnet.workload.LatencyMeter.MAX_LATENCY_NANOS, 3);
        for (Histogram c : latency) h.add(c);
        return h;
    }
}
