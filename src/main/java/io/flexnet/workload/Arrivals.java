// When requests are meant to leave the generator: Poisson or evenly spaced, at a set rate.
package io.flexnet.workload;

import java.util.SplittableRandom;

/**
 * The gaps between intended send times of an open-loop generator. {@link #poisson} draws exponential
 * gaps (memoryless arrivals, the usual model of many independent clients: coefficient of variation 1);
 * {@link #uniform} spaces requests evenly (CV 0), which isolates the stack's own variability.
 */
public interface Arrivals {
    /** Nanoseconds from the previous intended send time to the next, drawn from {@code rng}. */
    double nextGapNanos(SplittableRandom rng);

    double ratePerSecond();

    String kind();

    static Arrivals poisson(double perSecond) {
        check(perSecond);
        double mean = 1e9 / perSecond;
        return new Arrivals() {
            // Inverse transform; 1 - u lies in (0, 1], so the logarithm is finite.
            public double nextGapNanos(SplittableRandom rng) { return -mean * Math.log(1.0 - rng.nextDouble()); }
            public double ratePerSecond() { return perSecond; }
            public String kind() { return "poisson"; }
        };
    }

    static Arrivals uniform(double perSecond) {
        check(perSecond);
        double gap = 1e9 / perSecond;
        return new Arrivals() {
            public double nextGapNanos(SplittableRandom rng) { return gap; }
            public double ratePerSecond() { return perSecond; }
            public String kind() { return "uniform"; }
        };
    }

    /** By name: "poisson" or "uniform". */
    static Arrivals of(String kind, double perSecond) {
        return switch (kind) {
            case "poisson" -> poisson(perSecond);
            case "uniform" -> uniform(perSecond);
            default -> throw new IllegalArgumentException("unknown arrival process '" + kind + "' (poisson, uniform)");
        };
    }

    private static void check(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of requests per second, got " + perSecond);
        }
    }
}
