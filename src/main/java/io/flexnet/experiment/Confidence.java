// The mean of a few repetitions and the half-width of its 95% confidence interval, by Student's t.
package io.flexnet.experiment;

/**
 * Error bars for repeated runs: a figure measured n times is reported as its mean ± t(0.975, n−1) ·
 * s/√n, with s the sample standard deviation, the interval that holds the true mean 95% of the time
 * when the repetitions are independent and roughly normal. Few repetitions give wide intervals, as
 * they should: t is 12.7 for two and 4.3 for three.
 */
final class Confidence {
    /** t(0.975, df) for df = 1..30; beyond, the normal quantile is within 2%. */
    private static final double[] T975 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    private Confidence() {}

    /** Mean of the values that are numbers; NaN if none is. */
    static double mean(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (Double.isNaN(x)) continue;
            s += x;
            n++;
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Half-width of the 95% interval of the mean; NaN with fewer than two numbers. */
    static double halfWidth95(double[] v) {
        double m = mean(v);
        double ss = 0;
        int n = 0;
        for (double x : v) {
            if (Double.isNaN(x)) continue;
            ss += (x - m) * (x - m);
            n++;
        }
        if (n < 2) return Double.NaN;
        double sd = Math.sqrt(ss / (n - 1));
        return t975(n - 1) * sd / Math.sqrt(n);
    }

    static double t975(int df) { return df <= T975.length ? T975[df - 1] : 1.960; }
}
