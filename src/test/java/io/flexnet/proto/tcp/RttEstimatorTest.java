package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 6298 pinned step by step; every expected value is worked out by hand in the comment beside it. */
class RttEstimatorTest {
    private static final long MS = 1_000_000L;

    /** One step: an action (sample R, or back-off when R is -1) and SRTT, RTTVAR, RTO after it. */
    private record Step(long rtt, long srtt, long rttvar, long rto) {}

    private static void run(RttEstimator e, Step... steps) {
        for (int i = 0; i < steps.length; i++) {
            Step s = steps[i];
            if (s.rtt < 0) e.backoff(); else e.sample(s.rtt);
            assertEquals(s.srtt, e.srtt(), "SRTT after step " + i);
            assertEquals(s.rttvar, e.rttvar(), "RTTVAR after step " + i);
            assertEquals(s.rto, e.rto(), "RTO after step " + i);
        }
    }

    @Test
    void initialRtoBeforeAnySample() {
        RttEstimator e = RttEstimator.linux();
        assertFalse(e.hasSample());
        assertEquals(1000 * MS, e.rto());                 // RFC 6298 §2.1: 1 s
        e.backoff();
        assertEquals(2000 * MS, e.rto());                 // §5.5 doubles it even before a sample
    }

    @Test
    void firstSampleThenUpdates() {
        // Bounds wide enough that nothing clamps: min 1 ms, max 60 s, granularity 1 ms.
        RttEstimator e = new RttEstimator(MS, 60_000 * MS, 1000 * MS, MS);
        run(e,
                // (2.2) R=100: SRTT=100, RTTVAR=50, RTO=100+max(1, 200)=300
                new Step(100 * MS, 100 * MS, 50 * MS, 300 * MS),
                // (2.3) R=200: RTTVAR=3/4*50+1/4*|100-200|=37.5+25=62.5; SRTT=7/8*100+1/8*200=112.5;
                //       RTO=112.5+4*62.5=362.5
                new Step(200 * MS, 112_500_000L, 62_500_000L, 362_500_000L),
                // R=112.5: RTTVAR=3/4*62.5+0=46.875; SRTT=112.5; RTO=112.5+187.5=300
                new Step(112_500_000L, 112_500_000L, 46_875_000L, 300 * MS),
                // R=80: RTTVAR=3/4*46.875+1/4*32.5=35.15625+8.125=43.28125; SRTT=98.4375+10=108.4375;
                //       RTO=108.4375+173.125=281.5625
                new Step(80 * MS, 108_437_500L, 43_281_250L, 281_562_500L));
        assertTrue(e.hasSample());
    }

    @Test
    void clampedToTheMinimumAndGranularityCounts() {
        RttEstimator e = RttEstimator.linux();
        // R=10: SRTT=10, RTTVAR=5, SRTT+4*RTTVAR=30 ms, below the 200 ms floor
        run(e, new Step(10 * MS, 10 * MS, 5 * MS, 200 * MS));
        // Steady R=1 s for long: RTTVAR decays toward 0, and then G (here 50 ms) is what is added.
        RttEstimator g = new RttEstimator(MS, 60_000 * MS, 1000 * MS, 50 * MS);
        run(g, new Step(1000 * MS, 1000 * MS, 500 * MS, 3000 * MS));
        for (int i = 0; i < 100; i++) g.sample(1000 * MS);
        assertEquals(1000 * MS, g.srtt());
        assertTrue(4 * g.rttvar() < 50 * MS, "RTTVAR has decayed: " + g.rttvar());
        assertEquals(1050 * MS, g.rto());                  // 1000 + max(G=50, 4*RTTVAR)
    }

    @Test
    void clampedToTheMaximum() {
        RttEstimator e = new RttEstimator(200 * MS, 1000 * MS, 500 * MS, MS);
        // R=400: SRTT=400, RTTVAR=200, RTO=400+800=1200 -> 1000
        run(e, new Step(400 * MS, 400 * MS, 200 * MS, 1000 * MS));
    }

    @Test
    void backoffDoublesUpToTheMaximumAndASampleClearsIt() {
        RttEstimator e = new RttEstimator(200 * MS, 2000 * MS, 1000 * MS, MS);
        run(e,
                new Step(100 * MS, 100 * MS, 50 * MS, 300 * MS),
                new Step(-1, 100 * MS, 50 * MS, 600 * MS),        // (5.5) doubled
                new Step(-1, 100 * MS, 50 * MS, 1200 * MS),
                new Step(-1, 100 * MS, 50 * MS, 2000 * MS),       // capped at max (2.5)
                new Step(-1, 100 * MS, 50 * MS, 2000 * MS),
                // a new sample (for new data, Karn permitting) recomputes RTO without the back-off:
                // RTTVAR=3/4*50+1/4*0=37.5, SRTT=100, RTO=100+150=250
                new Step(100 * MS, 100 * MS, 37_500_000L, 250 * MS));
    }

    @Test
    void resetForgetsTheSamples() {
        RttEstimator e = RttEstimator.linux();
        e.sample(50 * MS);
        e.backoff();
        e.reset();
        assertFalse(e.hasSample());
        assertEquals(1000 * MS, e.rto());
        // The next sample is a first sample again (2.2): SRTT=R, RTTVAR=R/2; RTO=300+600=900
        run(e, new Step(300 * MS, 300 * MS, 150 * MS, 900 * MS));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(10, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> RttEstimator.linux().sample(-1));
    }
}
