package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfidenceTest {
    @Test
    void threeRepetitionsGiveStudentsInterval() {
        // mean 20, sample sd 10, t(0.975, 2) = 4.303: half-width 4.303 * 10 / sqrt(3) = 24.84.
        double[] v = {10, 20, 30};
        assertEquals(20, Confidence.mean(v), 1e-12);
        assertEquals(4.303 * 10 / Math.sqrt(3), Confidence.halfWidth95(v), 1e-9);
    }

    @Test
    void oneRepetitionHasNoInterval() {
        assertTrue(Double.isNaN(Confidence.halfWidth95(new double[] {5})));
        assertEquals(5, Confidence.mean(new double[] {5, Double.NaN}), 0);
    }

    @Test
    void manyRepetitionsUseTheNormalQuantile() {
        assertEquals(1.960, Confidence.t975(100), 0);
        assertEquals(2.042, Confidence.t975(30), 0);
    }
}
