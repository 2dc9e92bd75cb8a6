// Parses and prints durations the way experiment files write them: 10us, 1.5ms, 2s.
package io.flexnet.workload;

import java.util.Locale;

/** Durations as text: a number and a unit (ns, us or µs, ms, s); a bare number is not accepted. */
public final class Durations {
    private Durations() {}

    /** Nanoseconds in {@code text}; throws IllegalArgumentException saying what is wrong. */
    public static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.' || t.charAt(i) == '-')) i++;
        String num = t.substring(0, i).trim();
        String unit = t.substring(i).trim();
        double scale = switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "" -> throw new IllegalArgumentException("duration '" + text + "' needs a unit (ns, us, ms, s)");
            default -> throw new IllegalArgumentException("duration '" + text + "': unknown unit '" + unit + "' (ns, us, ms, s)");
        };
        double v;
        try {
            v = Double.parseDouble(num);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + text + "' is not a number and a unit");
        }
        if (v < 0) throw new IllegalArgumentException("duration '" + text + "' is negative");
        double ns = v * scale;
        if (ns > Long.MAX_VALUE / 2) throw new IllegalArgumentException("duration '" + text + "' is too long");
        return Math.round(ns);
    }

    /** Short human form: 850ns, 10us, 1.5ms, 2s. */
    public static String format(long nanos) {
        if (nanos < 1_000) return nanos + "ns";
        if (nanos < 1_000_000) return trim(nanos / 1e3) + "us";
        if (nanos < 1_000_000_000) return trim(nanos / 1e6) + "ms";
        return trim(nanos / 1e9) + "s";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
