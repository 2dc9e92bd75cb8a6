// Arrival processes: Poisson gaps have the right mean and a coefficient of variation of 1; uniform gaps are constant.
package io.flexnet.workload;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArrivalsTest {
    static final int SAMPLES = 400_000;

    /** Mean and coefficient of variation of {@code n} gaps drawn with a fixed seed. */
    static double[] stats(Arrivals a, long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            double g = a.nextGapNanos(rng);
            assertTrue(g >= 0, "gaps are never negative");
            sum += g;
            sumSq += g * g;
        }
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        return new double[] {mean, Math.sqrt(Math.max(var, 0)) / mean};
    }

    @Test
    void poissonGapsHaveMeanOneOverRateAndCoefficientOfVariationOne() {
        for (double rate : new double[] {1_000, 50_000, 2_000_000}) {
            double[] s = stats(Arrivals.poisson(rate), 42, SAMPLES);
            double mean = 1e9 / rate;
            // Standard error of the mean is mean/sqrt(n) = 0.16% here; 1% is over six of them.
            assertEquals(mean, s[0], mean * 0.01, "mean gap at " + rate + "/s");
            assertEquals(1.0, s[1], 0.01, "coefficient of variation at " + rate + "/s");
        }
    }

    @Test
    void poissonCountsInFixedWindowsHaveVarianceEqualToMean() {
        // A second, independent property of a Poisson process: counts per window are Poisson distributed.
        Arrivals a = Arrivals.poisson(100_000);
        SplittableRandom rng = new SplittableRandom(7);
        long window = 100_000;  // 100 us: 10 arrivals expected per window
        int windows = 20_000;
        int[] counts = new int[windows];
        double t = 0;
        while (true) {
            t += a.nextGapNanos(rng);
            int w = (int) (t / window);
            if (w >= windows) break;
            counts[w]++;
        }
        double sum = 0, sumSq = 0;
        for (int c : counts) {
            sum += c;
            sumSq += (double) c * c;
        }
        double mean = sum / windows, var = sumSq / windows - mean * mean;
        assertEquals(10.0, mean, 0.15);
        assertEquals(mean, var, 0.5, "Poisson counts: variance equals the mean");
    }

    @Test
    void sameSeedGivesTheSameGaps() {
        SplittableRandom r1 = new SplittableRandom(3), r2 = new SplittableRandom(3);
        Arrivals a = Arrivals.poisson(10_000);
        for (int i = 0; i < 1000; i++) assertEquals(a.nextGapNanos(r1), a.nextGapNanos(r2));
    }

    @Test
    void uniformGapsAreConstant() {
        double[] s = stats(Arrivals.uniform(20_000), 1, 10_000);
        assertEquals(50_000, s[0], 1e-6);
        assertEquals(0.0, s[1], 1e-6);
    }

    @Test
    void refusesRatesThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> Arrivals.poisson(0));
        assertThrows(IllegalArgumentException.class, () -> Arrivals.poisson(-5));
        assertThrows(IllegalArgumentException.class, () -> Arrivals.uniform(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Arrivals.of("bursty", 10));
    }
}
