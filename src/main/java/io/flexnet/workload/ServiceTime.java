// How long a request keeps the server busy: fixed, uniform, exponential or bimodal.
package io.flexnet.workload;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A service-time distribution in nanoseconds. The papers' workloads: fixed (a GET of known cost),
 * uniform (Syrup's GETs, 10-12 µs), exponential (Shenango, Shinjuku) and bimodal (Shinjuku's and
 * Syrup's 99.5% short / 0.5% long).
 */
public sealed interface ServiceTime {
    long sample(SplittableRandom rng);

    double meanNanos();

    record Fixed(long nanos) implements ServiceTime {
        public Fixed {
            if (nanos < 0) throw new IllegalArgumentException("service time must be >= 0, got " + nanos + " ns");
        }
        public long sample(SplittableRandom rng) { return nanos; }
        public double meanNanos() { return nanos; }
        @Override public String toString() { return "fixed " + Durations.format(nanos); }
    }

    /** Uniform in [lo, hi]. */
    record Uniform(long lo, long hi) implements ServiceTime {
        public Uniform {
            if (lo < 0 || hi < lo) throw new IllegalArgumentException("uniform service time needs 0 <= lo <= hi");
        }
        public long sample(SplittableRandom rng) { return lo == hi ? lo : rng.nextLong(lo, hi + 1); }
        public double meanNanos() { return (lo + hi) / 2.0; }
        @Override public String toString() { return "uniform " + Durations.format(lo) + "-" + Durations.format(hi); }
    }

    record Exponential(long mean) implements ServiceTime {
        public Exponential {
            if (mean <= 0) throw new IllegalArgumentException("exponential service time needs a mean > 0");
        }
        public long sample(SplittableRandom rng) { return Math.round(-mean * Math.log(1.0 - rng.nextDouble())); }
        public double meanNanos() { return mean; }
        @Override public String toString() { return "exponential mean " + Durations.format(mean); }
    }

    /** {@code shortNanos} with probability {@code pShort}, else {@code longNanos}. */
    record Bimodal(double pShort, long shortNanos, long longNanos) implements ServiceTime {
        public Bimodal {
            if (!(pShort >= 0 && pShort <= 1)) throw new IllegalArgumentException("bimodal share must be in [0, 1]");
            if (shortNanos < 0 || longNanos < 0) throw new IllegalArgumentException("service time must be >= 0");
        }
        public long sample(SplittableRandom rng) { return rng.nextDouble() < pShort ? shortNanos : longNanos; }
        public double meanNanos() { return pShort * shortNanos + (1 - pShort) * longNanos; }
        @Override public String toString() {
            return String.format(Locale.ROOT, "bimodal %.1f%% %s / %.1f%% %s", 100 * pShort,
                    Durations.format(shortNanos), 100 * (1 - pShort), Durations.format(longNanos));
        }
    }
}
