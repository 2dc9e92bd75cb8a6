// Reading checked YAML: values turned into problems that name their line, never exceptions.
package io.flexnet.experiment;

import io.flexnet.experiment.ExperimentFileException.Problem;
import io.flexnet.workload.Durations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The value checks an experiment file's sections share: each reads one YAML node as what it must be
 * (a mapping with known keys, a single value, a whole number in range, a positive number, a duration)
 * and, when it is not, adds a {@link Problem} at the node's line and column and returns a fallback, so
 * one read reports every problem in the file at once.
 */
abstract class CheckedYaml {
    /** Shared by every section of one file. */
    final List<Problem> problems;

    CheckedYaml(List<Problem> problems) { this.problems = problems; }

    /** The mapping's entries by key, reporting unknown and repeated keys. */
    Map<String, YamlNode> keys(YamlNode map, Set<String> known, String what) {
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (YamlNode.Entry e : map.entries()) {
            if (e.key() == null) {
                problem(e.keyNode(), what + ": keys are plain words; found " + e.keyNode().kind());
            } else if (!known.contains(e.key())) {
                problem(e.keyNode(), "unknown key '" + shown(e.key()) + "' in " + what + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            } else if (out.containsKey(e.key())) {
                problem(e.keyNode(), what + ": key '" + shown(e.key()) + "' given twice");
            } else {
                out.put(e.key(), e.value());
            }
        }
        return out;
    }

    YamlNode require(Map<String, YamlNode> m, String key, YamlNode parent, String what) {
        YamlNode n = m.get(key);
        if (n == null) problem(parent, what + " needs '" + key + "'");
        return n;
    }

    String scalar(YamlNode n, String what) {
        String t = n.text();
        if (t == null) problem(n, what + " must be a single value; found " + n.kind());
        return t;
    }

    int integer(YamlNode n, String what, int min, int max, int fallback) {
        return (int) whole(n, what, min, max, fallback);
    }

    long longValue(YamlNode n, String what) {
        return whole(n, what, Long.MIN_VALUE, Long.MAX_VALUE, 0);
    }

    /** A whole number in {@code [min, max]}; anything else is a problem at its line, and the fallback. */
    long whole(YamlNode n, String what, long min, long max, long fallback) {
        String t = scalar(n, what);
        if (t == null) return fallback;
        try {
            long v = Long.parseLong(t.trim());
            if (v < min || v > max) {
                problem(n, what + " must be in [" + min + ", " + max + "], got " + v);
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(n, what + " must be a whole number, got '" + shown(t) + "'");
            return fallback;
        }
    }

    double number(YamlNode n, String what, boolean positive) {
        String t = scalar(n, what);
        if (t == null) return 1;
        try {
            double v = Double.parseDouble(t.trim());
            if (Double.isNaN(v) || Double.isInfinite(v) || v < 0 || (positive && v == 0)) {
                problem(n, what + " must be a " + (positive ? "positive" : "non-negative") + " number, got " + t);
                return 1;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(n, what + " must be a number, got '" + shown(t) + "'");
            return 1;
        }
    }

    long duration(YamlNode n, String what, boolean zeroAllowed, long max, String maxText) {
        String t = scalar(n, what);
        if (t == null) return 1;
        if (t.length() > 40) {
            problem(n, what + ": '" + shown(t) + "' is not a duration (a number and a unit: ns, us, ms, s)");
            return 1;
        }
        try {
            long v = Durations.parse(t);
            if (v == 0 && !zeroAllowed) {
                problem(n, what + " must be longer than 0");
                return 1;
            }
            if (v > max) {
                problem(n, what + " must be at most " + maxText + ", got '" + shown(t) + "'");
                return 1;
            }
            return v;
        } catch (IllegalArgumentException e) {
            problem(n, what + ": " + e.getMessage());
            return 1;
        }
    }

    void problem(YamlNode n, String message) {
        problems.add(new Problem(n.line(), n.column(), message));
    }

    /** User text quoted in a message: at most 40 characters, control characters escaped, so it stays one short line. */
    static String shown(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 40; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) sb.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            else sb.append(c);
        }
        return sb.length() < s.length() ? sb.append("...").toString() : sb.toString();
    }
}
