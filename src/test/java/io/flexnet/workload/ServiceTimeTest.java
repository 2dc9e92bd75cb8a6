// Service-time models: each draws what it promises, and durations read and print as experiment files write them.
package io.flexnet.workload;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServiceTimeTest {
    @Test
    void fixedAlwaysGivesItsValue() {
        ServiceTime s = new ServiceTime.Fixed(10_000);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) assertEquals(10_000, s.sample(r));
    }

    @Test
    void uniformStaysInItsBoundsAndCoversThem() {
        ServiceTime s = new ServiceTime.Uniform(10_000, 12_000);
        SplittableRandom r = new SplittableRandom(2);
        long min = Long.MAX_VALUE, max = 0;
        double sum = 0;
        for (int i = 0; i < 100_000; i++) {
            long v = s.sample(r);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertTrue(min >= 10_000 && max <= 12_000);
        assertTrue(min < 10_050 && max > 11_950, "both ends are reached");
        assertEquals(11_000, sum / 100_000, 20);
    }

    @Test
    void bimodalSplitsAtItsShare() {
        ServiceTime s = new ServiceTime.Bimodal(0.995, 10_000, 700_000);
        SplittableRandom r = new SplittableRandom(3);
        int n = 400_000, longs = 0;
        for (int i = 0; i < n; i++) {
            long v = s.sample(r);
            assertTrue(v == 10_000 || v == 700_000);
            if (v == 700_000) longs++;
        }
        // 2000 long ones expected, standard deviation ~45.
        assertEquals(2000, longs, 250);
        assertEquals(0.995 * 10_000 + 0.005 * 700_000, s.meanNanos(), 1e-6);
    }

    @Test
    void exponentialHasItsMean() {
        ServiceTime s = new ServiceTime.Exponential(10_000);
        SplittableRandom r = new SplittableRandom(4);
        double sum = 0;
        int n = 400_000;
        for (int i = 0; i < n; i++) sum += s.sample(r);
        assertEquals(10_000, sum / n, 100);
    }

    @Test
    void durationsParseWithUnitsAndRefuseWithout() {
        assertEquals(10_000, Durations.parse("10us"));
        assertEquals(10_000, Durations.parse("10 µs"));
        assertEquals(1_500_000, Durations.parse("1.5ms"));
        assertEquals(2_000_000_000L, Durations.parse("2s"));
        assertEquals(850, Durations.parse("850ns"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("10"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("10 minutes"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-3ms"));
        assertEquals("10us", Durations.format(10_000));
        assertEquals("1.5ms", Durations.format(1_500_000));
    }
}
