// The experiment's plots as PNG, drawn headless with XChart: latency against load, cores over time, p99 against cores.
package io.flexnet.experiment;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes {@code latency.png} (p50 and p99 against offered load, one colour per design; with
 * repetitions the p99's mean and 95% confidence interval as error bars),
 * {@code cores.png} (cores the stack used over time, each design's load points one after another; with
 * a core scheduler also the cores granted, dashed) and {@code p99-vs-cores.png} (Snap's view: tail
 * latency against mean cores used, one point per load) and, when the workload has several request
 * classes, {@code latency-by-class.png} (each class's p99 against load). Latency axes are logarithmic
 * only where the data spans more than a decade and a half, so their labels cover the data.
 */
public final class Charts {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
    };

    private Charts() {}

    /** Writes the three charts into {@code dir}; returns the files written. */
    public static List<Path> write(Results r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> out = new ArrayList<>();
        out.add(save(latency(r), dir.resolve("latency.png")));
        out.add(save(cores(r), dir.resolve("cores.png")));
        out.add(save(p99VsCores(r), dir.resolve("p99-vs-cores.png")));
        if (r.experiment().workload().classes().size() > 1) out.add(save(latencyByClass(r), dir.resolve("latency-by-class.png")));
        return out;
    }

    /**
     * A log axis only where the data spans more than a decade and a half: XChart labels a log axis at
     * powers of ten alone, so a p99 between 1.5 and 11 ms would show the single label "1,000". A
     * narrower range gets a linear axis, labelled across it.
     */
    static void logIfWide(XYChart c, double[] values) {
        double lo = Double.MAX_VALUE, hi = 0;
        for (double v : values) {
            if (!(v > 0)) continue;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        c.getStyler().setYAxisLogarithmic(hi > 0 && hi / lo > 30);
    }

    /** The p99 of each request class against offered load: one colour per design, one line style per class. */
    static XYChart latencyByClass(Results r) {
        XYChart c = chart(r.experiment().name() + ": p99 latency of each request class", "offered load (requests/s)", "p99 latency (us)");
        java.awt.BasicStroke[] lines = {SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT, SeriesLines.DASH_DOT};
        List<Double> all = new ArrayList<>();
        int i = 0;
        for (DesignSpec d : r.experiment().designs()) {
            Color colour = PALETTE[i++ % PALETTE.length];
            int k = 0;
            for (io.flexnet.workload.RequestClass rc : r.experiment().workload().classes()) {
                java.awt.BasicStroke line = lines[k++ % lines.length];
                List<Row> rows = r.rows(d.name()).stream().filter(x -> x.classRow(rc.name()) != null
                        && x.classRow(rc.name()).latency().p99Us() > 0).toList();
                if (rows.isEmpty()) continue;
                double[] y = rows.stream().mapToDouble(x -> x.classRow(rc.name()).latency().p99Us()).toArray();
                for (double v : y) all.add(v);
                XYSeries sr = c.addSeries(d.name() + " " + rc.name(), rows.stream().mapToDouble(Row::offeredRps).toArray(), y);
                style(sr, colour, line);
                sr.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        logIfWide(c, all.stream().mapToDouble(Double::doubleValue).toArray());
        if (c.getStyler().isYAxisLogarithmic()) c.setYAxisTitle("p99 latency (us, log scale)");
        return c;
    }

    /**
     * p50 and p99 against offered load. With repetitions the p99 is their mean with its 95% confidence
     * interval as an error bar, as the papers draw theirs.
     */
    static XYChart latency(Results r) {
        XYChart c = chart(r.experiment().name() + ": latency against load", "offered load (requests/s)", "latency (us)");
        boolean bars = r.experiment().repetitions() > 1;
        if (bars) c.getStyler().setErrorBarsColorSeriesColor(true);
        List<Double> all = new ArrayList<>();
        int i = 0;
        for (DesignSpec d : r.experiment().designs()) {
            Color colour = PALETTE[i++ % PALETTE.length];
            List<Row> rows = r.rows(d.name()).stream().filter(x -> x.latency().p99Us() > 0).toList();
            if (rows.isEmpty()) continue;
            double[] x = rows.stream().mapToDouble(Row::offeredRps).toArray();
            double[] y99 = rows.stream().mapToDouble(row -> bars && row.spread().p99MeanUs() > 0
                    ? row.spread().p99MeanUs() : row.latency().p99Us()).toArray();
            double[] y50 = rows.stream().mapToDouble(row -> row.latency().p50Us()).toArray();
            for (double v : y99) all.add(v);
            for (double v : y50) all.add(v);
            XYSeries p99;
            if (bars) {
                // An error bar reaching zero or below cannot be drawn on a log axis: keep it above.
                double[] err = new double[rows.size()];
                for (int k = 0; k < err.length; k++) {
                    double e = rows.get(k).spread().p99Ci95Us();
                    err[k] = Double.isNaN(e) ? 0 : Math.min(e, 0.95 * y99[k]);
                }
                p99 = c.addSeries(d.name() + " p99 (mean, 95% CI)", x, y99, err);
            } else {
                p99 = c.addSeries(d.name() + " p99", x, y99);
            }
            style(p99, colour, SeriesLines.SOLID);
            p99.setMarker(SeriesMarkers.CIRCLE);
            XYSeries p50 = c.addSeries(d.name() + " p50", x, y50);
            style(p50, colour, SeriesLines.DASH_DASH);
            p50.setMarker(SeriesMarkers.DIAMOND);
        }
        logIfWide(c, all.stream().mapToDouble(Double::doubleValue).toArray());
        if (c.getStyler().isYAxisLogarithmic()) c.setYAxisTitle("latency (us, log scale)");
        return c;
    }

    static XYChart cores(Results r) {
        XYChart c = chart(r.experiment().name() + ": cores the stack used (load points one after another)",
                "seconds since the design's first run", "cores");
        int i = 0;
        for (DesignSpec d : r.experiment().designs()) {
            Color colour = PALETTE[i++ % PALETTE.length];
            List<double[]> used = new ArrayList<>(), granted = new ArrayList<>();
            double offset = 0;
            for (RunResult run : r.runs()) {
                if (!run.design().equals(d.name()) || run.repetition() != 0) continue;
                double end = 0;
                for (double[] p : run.timeline()) {
                    used.add(new double[] {offset + p[0], p[1]});
                    end = Math.max(end, p[0]);
                }
                for (double[] p : run.granted()) if (p[0] >= 0 && p[0] <= end) granted.add(new double[] {offset + p[0], p[1]});
                offset += end;
            }
            if (used.isEmpty()) continue;
            style(c.addSeries(d.name() + " used", xs(used), ys(used)), colour, SeriesLines.SOLID);
            if (!granted.isEmpty()) style(c.addSeries(d.name() + " granted", xs(granted), ys(granted)), colour, SeriesLines.DASH_DASH);
        }
        return c;
    }

    static XYChart p99VsCores(Results r) {
        XYChart c = chart(r.experiment().name() + ": p99 latency against cores used", "mean cores used", "p99 latency (us)");
        List<Double> all = new ArrayList<>();
        int i = 0;
        for (DesignSpec d : r.experiment().designs()) {
            Color colour = PALETTE[i++ % PALETTE.length];
            List<Row> rows = r.rows(d.name()).stream()
                    .filter(x -> x.latency().p99Us() > 0 && !Double.isNaN(x.cores().mean())).toList();
            if (rows.isEmpty()) continue;
            double[] y = rows.stream().mapToDouble(row -> row.latency().p99Us()).toArray();
            for (double v : y) all.add(v);
            XYSeries s = c.addSeries(d.name(), rows.stream().mapToDouble(row -> row.cores().mean()).toArray(), y);
            style(s, colour, SeriesLines.SOLID);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        logIfWide(c, all.stream().mapToDouble(Double::doubleValue).toArray());
        if (c.getStyler().isYAxisLogarithmic()) c.setYAxisTitle("p99 latency (us, log scale)");
        return c;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(960).height(600).title(title).xAxisTitle(x).yAxisTitle(y).build();
        var s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xdddddd));
        s.setAntiAlias(true);
        s.setMarkerSize(6);
        s.setYAxisDecimalPattern("#,##0.##");
        s.setXAxisDecimalPattern("#,##0.##");
        return c;
    }

    private static void style(XYSeries s, Color colour, java.awt.BasicStroke line) {
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        s.setLineStyle(line);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static double[] xs(List<double[]> pts) { return pts.stream().mapToDouble(p -> p[0]).toArray(); }

    private static double[] ys(List<double[]> pts) { return pts.stream().mapToDouble(p -> p[1]).toArray(); }

    private static Path save(XYChart c, Path file) throws IOException {
        if (c.getSeriesMap().isEmpty()) {
            // XChart refuses to draw an empty chart; one invisible point keeps the axes and the title.
            XYSeries s = c.addSeries("no data", new double[] {0}, new double[] {1});
            s.setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
