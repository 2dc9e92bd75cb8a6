package io.flexnet.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * External truth for the simulator's clock, events and cores: closed-form mean waiting times of
 * classic queues, each within 2% over a long simulated run with a fixed seed, and Little's law.
 * M/M/1: Wq = ρ/(μ−λ). M/D/1 (Pollaczek–Khinchine with zero service variance): Wq = ρ/(2μ(1−ρ)).
 * M/M/c: Wq = C(c, λ/μ)/(cμ−λ), with C Erlang's C formula.
 */
class QueueingTheoryTest {
    private static final double SERVICE_NANOS = 10_000;  // μ = 1/10 µs
    private static final long CUSTOMERS = 3_000_000, WARMUP = 100_000;

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.8, 0.9})
    void mm1MeanWaitMatchesTheFormula(double rho) {
        double mu = 1 / SERVICE_NANOS, lambda = rho * mu;
        SplittableRandom svc = new SplittableRandom(7);
        long t0 = System.nanoTime();
        QueueModel m = new QueueModel(1, lambda, () -> exponential(svc, SERVICE_NANOS), 42, WARMUP).run(CUSTOMERS);
        long wall = System.nanoTime() - t0;
        // Not asserted (a shared machine's timing proves nothing): the simulator's speed, for the record.
        System.out.printf("M/M/1 at %.1f: %,d events in %.2f s of wall time, %.1f M events/s%n",
                rho, m.sim.events(), wall / 1e9, m.sim.events() / (wall / 1e3));
        double expected = rho / (mu - lambda);
        assertWithin(expected, m.meanWait(), 0.02, "M/M/1 at ρ=" + rho);
        littlesLaw(m, lambda);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.8, 0.9})
    void md1MeanWaitMatchesPollaczekKhinchine(double rho) {
        double mu = 1 / SERVICE_NANOS, lambda = rho * mu;
        QueueModel m = new QueueModel(1, lambda, () -> (long) SERVICE_NANOS, 43, WARMUP).run(CUSTOMERS);
        double expected = rho / (2 * mu * (1 - rho));
        assertWithin(expected, m.meanWait(), 0.02, "M/D/1 at ρ=" + rho);
        littlesLaw(m, lambda);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.8, 0.9})
    void mmcMeanWaitMatchesErlangC(double rho) {
        int c = 6;
        double mu = 1 / SERVICE_NANOS, lambda = rho * c * mu;
        SplittableRandom svc = new SplittableRandom(11);
        QueueModel m = new QueueModel(c, lambda, () -> exponential(svc, SERVICE_NANOS), 44, WARMUP).run(CUSTOMERS);
        double expected = erlangC(c, lambda / mu) / (c * mu - lambda);
        assertWithin(expected, m.meanWait(), 0.02, "M/M/6 at ρ=" + rho);
        littlesLaw(m, lambda);
    }

    @Test
    void erlangCIsRightOnAKnownCase() {
        // Two servers, offered load 1 Erlang: C = 1/3 (textbook value).
        assertEquals(1.0 / 3, erlangC(2, 1.0), 1e-12);
    }

    @Test
    void sameSeedSameRun() {
        SplittableRandom a = new SplittableRandom(5), b = new SplittableRandom(5);
        QueueModel x = new QueueModel(3, 2.5e-4, () -> exponential(a, SERVICE_NANOS), 9, 10).run(20_000);
        QueueModel y = new QueueModel(3, 2.5e-4, () -> exponential(b, SERVICE_NANOS), 9, 10).run(20_000);
        assertEquals(x.waitSum, y.waitSum);
        assertEquals(x.sim.events(), y.sim.events());
    }

    /** L = λW for the waiting line: time-average length against arrival rate times mean wait. */
    private static void littlesLaw(QueueModel m, double lambda) {
        double l = m.meanQueueLength();
        assertWithin(l, lambda * m.meanWait(), 0.02, "Little's law (L=" + l + ")");
    }

    static long exponential(SplittableRandom r, double mean) {
        return Math.round(-Math.log(1 - r.nextDouble()) * mean);
    }

    /** Probability an arrival waits in M/M/c with offered load {@code a} = λ/μ Erlangs. */
    static double erlangC(int c, double a) {
        double term = 1, sum = 1;  // a^k/k! for k = 0
        for (int k = 1; k < c; k++) {
            term *= a / k;
            sum += term;
        }
        double last = term * a / c * c / (c - a);  // a^c/c! · c/(c−a)
        return last / (sum + last);
    }

    private static void assertWithin(double expected, double actual, double tolerance, String what) {
        double err = Math.abs(actual - expected) / expected;
        if (err > tolerance) {
            throw new AssertionError(String.format("%s: expected %.1f, got %.1f (%.2f%% off, allowed %.0f%%)",
                    what, expected, actual, 100 * err, 100 * tolerance));
        }
    }
}
