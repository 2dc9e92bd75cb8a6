// The experiment's outputs in text: the table printed at the end, results.csv and results.json.
package io.flexnet.experiment;

import io.flexnet.workload.Durations;
import io.flexnet.workload.KvRequest;
import io.flexnet.workload.RequestClass;
import io.flexnet.workload.ServiceTime;
import io.flexnet.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@link Results}. The CSV starts with the columns every consumer may rely on, in this order:
 * {@value #CSV_FIXED}; further columns follow (repetition spread, drops by reason, generator lateness,
 * per-class figures named {@code <class>_...}, inflation). Latencies are microseconds, rates per
 * second; a figure that does not exist (no replies, no scheduler) is left empty.
 */
public final class Report {
    public static final String CSV_FIXED = "design,offered_rps,achieved_rps,p50_us,p99_us,p999_us,dropped,cores_mean";

    private Report() {}

    /** Header lines: the experiment, the machine, the designs and the workload. */
    public static String header(Results r) {
        Experiment x = r.experiment();
        StringBuilder sb = new StringBuilder();
        sb.append("experiment ").append(x.name());
        if (!x.description().isEmpty()) sb.append(": ").append(x.description().replaceAll("\\s+", " "));
        String machine = r.machine().header();
        // In virtual time the generator shares no core: keep only the machine's first line.
        if (x.runtime().simulated()) machine = machine.substring(0, machine.indexOf('\n') + 1);
        sb.append('\n').append(machine);
        sb.append(x.runtime().header());
        sb.append("workload: ").append(describe(x.workload())).append('\n');
        sb.append(String.format(Locale.ROOT, "%d design%s x %d load point%s, %s warm-up + %s measured each, %d repetition%s"
                        + "%s; took %.0f s%n",
                x.designs().size(), x.designs().size() == 1 ? "" : "s", x.loads().size(), x.loads().size() == 1 ? "" : "s",
                Durations.format(x.warmupNanos()), Durations.format(x.durationNanos()), x.repetitions(),
                x.repetitions() == 1 ? "" : "s",
                x.runtime().simulated() ? " (virtual time)" : " (each design primed once first, unmeasured)", r.wallNanos() / 1e9));
        sb.append("designs:\n");
        int w = 0;
        for (DesignSpec d : x.designs()) w = Math.max(w, d.name().length());
        for (DesignSpec d : x.designs()) {
            String summary;
            try {
                summary = d.create().summary();
            } catch (RuntimeException e) {
                summary = d.origin();
            }
            sb.append("  ").append(pad(d.name(), w)).append("  ").append(summary);
            if (d.classes() != null) sb.append(" [offered only: ").append(String.join(", ", d.classes())).append(']');
            if (d.shares() != null) {
                sb.append(" [shares: ");
                d.shares().forEach((c, v) -> sb.append(c).append(' ').append(Report.share(v)).append(", "));
                sb.setLength(sb.length() - 2);
                sb.append(']');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String describe(Workload w) {
        StringBuilder sb = new StringBuilder();
        sb.append(w.arrivals()).append(" arrivals, ").append(w.flows()).append(w.flows() == 1 ? " flow" : " flows");
        if (w.transport() == Workload.Transport.TCP) {
            sb.append(" over TCP (a persistent connection per flow and port, requests framed)");
        }
        sb.append("; ");
        double shares = 0;
        for (RequestClass c : w.classes()) shares += c.share();
        for (int i = 0; i < w.classes().size(); i++) {
            RequestClass c = w.classes().get(i);
            sb.append(i == 0 ? "" : ", ").append(c.name()).append(String.format(Locale.ROOT, " (port %d, %.1f%%, ", c.port(), 100 * c.share() / shares));
            double[] mix = c.mix();
            double ms = mix[1] + mix[2] + mix[3];
            List<String> parts = new ArrayList<>();
            for (int t = 1; t < 4; t++) {
                if (mix[t] > 0) parts.add(mix[t] == ms ? KvRequest.typeName(t) : String.format(Locale.ROOT, "%s %.1f%%", KvRequest.typeName(t), 100 * mix[t] / ms));
            }
            sb.append(String.join(" / ", parts)).append(", ").append(c.payloadBytes()).append(" B)");
        }
        sb.append("; service ");
        ServiceTime[] s = w.service();
        List<String> parts = new ArrayList<>();
        for (int t = 1; t < 4; t++) if (s[t] != null) parts.add(KvRequest.typeName(t) + " " + s[t]);
        sb.append(String.join(", ", parts));
        return sb.toString();
    }

    /** The table: one line per design and load point. */
    public static String table(Results r) {
        Experiment x = r.experiment();
        List<String> classes = x.workload().classes().stream().map(RequestClass::name).toList();
        boolean perClass = classes.size() > 1;
        boolean inflation = x.baseline() != null;
        boolean granted = r.rows().stream().anyMatch(row -> !Double.isNaN(row.cores().granted()));
        boolean ci = x.repetitions() > 1;
        int dw = "design".length();
        for (Row row : r.rows()) dw = Math.max(dw, row.design().length());
        StringBuilder sb = new StringBuilder();
        sb.append(pad("design", dw)).append(String.format(Locale.ROOT, " %10s %10s %9s %9s %9s %6s", "offered/s", "achieved/s",
                "p50 us", "p99 us", "p99.9 us", "cores"));
        if (granted) sb.append(String.format(Locale.ROOT, " %7s", "granted"));
        if (ci) sb.append(String.format(Locale.ROOT, " %19s", "p99 mean ±95% us"));
        if (perClass) for (String c : classes) sb.append(String.format(Locale.ROOT, " %12s", trim(c, 8) + " p99"));
        if (inflation) sb.append(String.format(Locale.ROOT, " %9s", x.inflationClass().length() <= 4 ? x.inflationClass() + " infl" : "inflation"));
        sb.append("  dropped (by reason)\n");
        for (Row row : r.rows()) {
            sb.append(pad(row.design(), dw)).append(String.format(Locale.ROOT, " %10s %10s %9s %9s %9s %6s",
                    String.format(Locale.ROOT, "%,.0f", row.offeredRps()), String.format(Locale.ROOT, "%,.0f", row.achievedRps()),
                    num(row.latency().p50Us(), 1), num(row.latency().p99Us(), 1), num(row.latency().p999Us(), 1),
                    num(row.cores().mean(), 2)));
            if (granted) sb.append(String.format(Locale.ROOT, " %7s", num(row.cores().granted(), 2)));
            if (ci) sb.append(String.format(Locale.ROOT, " %19s",
                    num(row.spread().p99MeanUs(), 1) + " ± " + num(row.spread().p99Ci95Us(), 1)));
            if (perClass) {
                for (String c : classes) {
                    Row.ClassRow cr = row.classRow(c);
                    sb.append(String.format(Locale.ROOT, " %12s", cr == null ? "-" : num(cr.latency().p99Us(), 1)));
                }
            }
            if (inflation) sb.append(String.format(Locale.ROOT, " %9s", Double.isNaN(row.inflation()) ? "-" : num(row.inflation(), 2) + "x"));
            Row.Drops drops = row.drops();
            sb.append("  ").append(drops.text());
            if (drops.unanswered() > drops.total()) sb.append(" (unanswered ").append(drops.unanswered()).append(')');
            if (row.health().faults() > 0) sb.append(" FAULTS ").append(row.health().faults());
            if (row.health().leakedSlots() > 0) sb.append(" LEAKED SLOTS ").append(row.health().leakedSlots());
            sb.append('\n');
        }
        double late = 0, gen = 0;
        for (Row row : r.rows()) {
            late = Math.max(late, row.generator().lateP99Us());
            gen = Math.max(gen, row.generator().cores());
        }
        // Over UDP a reply is timed as the stack sends it; over TCP when the client's stack has it.
        String until = r.experiment().workload().transport() == Workload.Transport.TCP
                ? "its reply read by the client's TCP" : "its reply leaving the stack";
        if (r.experiment().runtime().simulated()) {
            sb.append("latency: from each request's intended send time to " + until + ", in virtual time.\n");
        } else {
            sb.append(String.format(Locale.ROOT, "latency: from each request's intended send time to " + until + "."
                    + " generator: p99 send lateness <= %.0f us, up to %.2f cores of its own%n", late, gen));
        }
        return sb.toString();
    }

    /** results.csv: {@link #CSV_FIXED} then the extra columns. */
    public static String csv(Results r) {
        Experiment x = r.experiment();
        List<String> classes = x.workload().classes().stream().map(RequestClass::name).toList();
        StringBuilder sb = new StringBuilder(CSV_FIXED);
        sb.append(",p99_min_us,p99_max_us,repetitions,unanswered,drops,cores_granted_mean,gen_late_p99_us,gen_cores,faults");
        for (String c : classes) sb.append(',').append(c).append("_sent,").append(c).append("_achieved_rps,")
                .append(c).append("_p50_us,").append(c).append("_p99_us,").append(c).append("_p999_us");
        if (x.baseline() != null) sb.append(",p99_inflation");
        sb.append(",p99_mean_us,p99_ci95_us");
        sb.append('\n');
        for (Row row : r.rows()) {
            Row.Latency l = row.latency();
            Row.Drops d = row.drops();
            sb.append(csvText(row.design())).append(',').append(f(row.offeredRps(), 1)).append(',').append(f(row.achievedRps(), 1))
                    .append(',').append(f(l.p50Us(), 2)).append(',').append(f(l.p99Us(), 2)).append(',').append(f(l.p999Us(), 2))
                    .append(',').append(d.total()).append(',').append(f(row.cores().mean(), 3))
                    .append(',').append(f(row.spread().p99MinUs(), 2)).append(',').append(f(row.spread().p99MaxUs(), 2))
                    .append(',').append(row.spread().repetitions()).append(',').append(d.unanswered())
                    .append(',').append(csvText(d.byReason().isEmpty() ? "" : d.text()))
                    .append(',').append(f(row.cores().granted(), 3)).append(',').append(f(row.generator().lateP99Us(), 2))
                    .append(',').append(f(row.generator().cores(), 3)).append(',').append(row.health().faults());
            for (String c : classes) {
                Row.ClassRow cr = row.classRow(c);
                if (cr == null) sb.append(",,,,,");
                else sb.append(',').append(cr.sent()).append(',').append(f(cr.achievedRps(), 1))
                        .append(',').append(f(cr.latency().p50Us(), 2)).append(',').append(f(cr.latency().p99Us(), 2))
                        .append(',').append(f(cr.latency().p999Us(), 2));
            }
            if (x.baseline() != null) sb.append(',').append(f(row.inflation(), 3));
            sb.append(',').append(f(row.spread().p99MeanUs(), 2)).append(',').append(f(row.spread().p99Ci95Us(), 2));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** results.json: the experiment, the machine, and every row with its classes and drops. */
    public static String json(Results r) {
        Experiment x = r.experiment();
        Machine m = r.machine();
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"experiment\": ").append(q(x.name())).append(",\n");
        sb.append("  \"description\": ").append(q(x.description())).append(",\n");
        sb.append("  \"source\": ").append(q(x.source())).append(",\n");
        sb.append("  \"machine\": {\"cores\": ").append(m.cores()).append(", \"cpu\": ").append(q(m.cpu()))
                .append(", \"jdk\": ").append(q(m.jdk())).append(", \"os\": ").append(q(m.os()))
                .append(", \"load_average_at_start\": ").append(j(m.loadAverage())).append(", \"generator_shares_machine\": true},\n");
        sb.append("  \"workload\": ").append(q(describe(x.workload()))).append(",\n");
        sb.append("  \"warmup_s\": ").append(j(x.warmupNanos() / 1e9)).append(", \"duration_s\": ").append(j(x.durationNanos() / 1e9))
                .append(", \"repetitions\": ").append(x.repetitions()).append(",\n");
        sb.append("  \"loads_rps\": ").append(x.loads().stream().map(Report::j).toList()).append(",\n");
        sb.append("  \"designs\": [");
        for (int i = 0; i < x.designs().size(); i++) {
            DesignSpec d = x.designs().get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(q(d.name())).append(", \"origin\": ").append(q(d.origin()))
                    .append(", \"params\": {");
            int k = 0;
            for (Map.Entry<String, String> e : d.params().asText().entrySet()) {
                sb.append(k++ == 0 ? "" : ", ").append(q(e.getKey())).append(": ").append(q(e.getValue()));
            }
            sb.append("}}");
        }
        sb.append("\n  ],\n");
        if (x.baseline() != null) {
            sb.append("  \"inflation\": {\"baseline\": ").append(q(x.baseline())).append(", \"class\": ").append(q(x.inflationClass())).append("},\n");
        }
        sb.append("  \"rows\": [");
        for (int i = 0; i < r.rows().size(); i++) {
            Row row = r.rows().get(i);
            Row.Latency l = row.latency();
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"design\": ").append(q(row.design()))
                    .append(", \"offered_rps\": ").append(j(row.offeredRps())).append(", \"achieved_rps\": ").append(j(row.achievedRps()))
                    .append(", \"p50_us\": ").append(j(l.p50Us())).append(", \"p99_us\": ").append(j(l.p99Us()))
                    .append(", \"p999_us\": ").append(j(l.p999Us())).append(", \"dropped\": ").append(row.drops().total())
                    .append(", \"cores_mean\": ").append(j(row.cores().mean())).append(",\n      \"p99_min_us\": ").append(j(row.spread().p99MinUs()))
                    .append(", \"p99_max_us\": ").append(j(row.spread().p99MaxUs())).append(", \"repetitions\": ").append(row.spread().repetitions())
                    .append(", \"p99_mean_us\": ").append(j(row.spread().p99MeanUs()))
                    .append(", \"p99_ci95_us\": ").append(j(row.spread().p99Ci95Us()))
                    .append(", \"unanswered\": ").append(row.drops().unanswered()).append(", \"cores_granted_mean\": ").append(j(row.cores().granted()))
                    .append(", \"gen_late_p99_us\": ").append(j(row.generator().lateP99Us())).append(", \"gen_cores\": ").append(j(row.generator().cores()))
                    .append(", \"faults\": ").append(row.health().faults()).append(", \"leaked_slots\": ").append(row.health().leakedSlots());
            if (x.baseline() != null) sb.append(", \"p99_inflation\": ").append(j(row.inflation()));
            sb.append(",\n      \"drops\": {");
            int k = 0;
            for (Map.Entry<String, Long> e : row.drops().byReason().entrySet()) sb.append(k++ == 0 ? "" : ", ").append(q(e.getKey())).append(": ").append(e.getValue());
            sb.append("},\n      \"classes\": [");
            for (int c = 0; c < row.classes().size(); c++) {
                Row.ClassRow cr = row.classes().get(c);
                sb.append(c == 0 ? "" : ", ").append("{\"name\": ").append(q(cr.name())).append(", \"sent\": ").append(cr.sent())
                        .append(", \"achieved_rps\": ").append(j(cr.achievedRps())).append(", \"p50_us\": ").append(j(cr.latency().p50Us()))
                        .append(", \"p99_us\": ").append(j(cr.latency().p99Us())).append(", \"p999_us\": ").append(j(cr.latency().p999Us()))
                        .append('}');
            }
            sb.append("]}");
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    // ---- formatting ----

    private static String pad(String s, int w) { return s.length() >= w ? s : s + " ".repeat(w - s.length()); }

    private static String trim(String s, int w) { return s.length() <= w ? s : s.substring(0, w); }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String f(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String j(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
    }

    private static String csvText(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A share as the file would write it: 0.25, 1, 0.005. */
    static String share(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
