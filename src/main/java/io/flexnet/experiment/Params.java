// A design's parameters from the experiment file, read through typed getters that say what is wrong and where.
package io.flexnet.experiment;

import io.flexnet.workload.Durations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code params:} of one design in an experiment file: scalars or lists of scalars by name. A
 * {@link Design} reads what it understands in {@link Design#configure}; a getter given a bad value
 * throws {@link ParamException} naming the parameter, the problem and the line. Parameters nobody read
 * are reported as unknown, so a misspelt name is an error rather than a silent default.
 *
 * <pre>{@code
 * int cores = params.integer("cores", 1, 1, 64);              // default 1, allowed 1..64
 * String idle = params.choice("idle", "sleep", "sleep", "spin");
 * long period = params.duration("period", 50_000);             // "50us" in the file
 * }</pre>
 */
public final class Params {
    private record Value(String text, List<String> list, int line) {}

    private final String owner;
    private final int line;
    private final Map<String, Value> values = new LinkedHashMap<>();
    private final Set<String> read = new LinkedHashSet<>();

    private Params(String owner, int line) {
        this.owner = owner;
        this.line = line;
    }

    /** No parameters: every getter returns its default. */
    public static Params none(String owner) { return new Params(owner, 0); }

    /** From code: values are text (as in a file) or lists of text. */
    public static Params of(String owner, Map<String, ?> values) {
        Params p = new Params(owner, 0);
        for (Map.Entry<String, ?> e : values.entrySet()) {
            if (e.getValue() instanceof List<?> l) {
                List<String> texts = new ArrayList<>();
                for (Object o : l) texts.add(String.valueOf(o));
                p.values.put(e.getKey(), new Value(null, texts, 0));
            } else {
                p.values.put(e.getKey(), new Value(String.valueOf(e.getValue()), null, 0));
            }
        }
        return p;
    }

    /** From a mapping node; problems with the shape are added to {@code problems}. */
    static Params of(String owner, YamlNode map, List<ExperimentFileException.Problem> problems) {
        Params p = new Params(owner, map.line());
        for (YamlNode.Entry e : map.entries()) {
            if (e.key() == null) {
                problems.add(new ExperimentFileException.Problem(e.keyNode().line(), e.keyNode().column(),
                        "design " + owner + ": parameter names are plain words"));
                continue;
            }
            if (p.values.containsKey(e.key())) {
                problems.add(new ExperimentFileException.Problem(e.keyNode().line(), e.keyNode().column(),
                        "design " + owner + ": parameter '" + ExperimentFile.shown(e.key()) + "' given twice"));
                continue;
            }
            YamlNode v = e.value();
            if (v.isScalar()) {
                p.values.put(e.key(), new Value(v.text(), null, v.line()));
            } else if (v.isList()) {
                List<String> texts = new ArrayList<>();
                for (YamlNode item : v.items()) {
                    if (!item.isScalar()) {
                        problems.add(new ExperimentFileException.Problem(item.line(), item.column(),
                                "design " + owner + ": parameter '" + ExperimentFile.shown(e.key()) + "' must list plain values"));
                    } else {
                        texts.add(item.text());
                    }
                }
                p.values.put(e.key(), new Value(null, texts, v.line()));
            } else {
                problems.add(new ExperimentFileException.Problem(v.line(), v.column(),
                        "design " + owner + ": parameter '" + ExperimentFile.shown(e.key()) + "' must be a value or a list of values"));
            }
        }
        return p;
    }

    public String owner() { return owner; }

    public boolean has(String name) { return values.containsKey(name); }

    /** An integer in [min, max]. */
    public int integer(String name, int def, int min, int max) {
        Value v = scalar(name);
        if (v == null) return def;
        int n;
        try {
            n = Integer.parseInt(v.text.trim());
        } catch (NumberFormatException e) {
            throw bad(v, name, "must be a whole number, got '" + ExperimentFile.shown(v.text) + "'");
        }
        if (n < min || n > max) throw bad(v, name, "must be in [" + min + ", " + max + "], got " + n);
        return n;
    }

    /** A number in [min, max]. */
    public double number(String name, double def, double min, double max) {
        Value v = scalar(name);
        if (v == null) return def;
        double d;
        try {
            d = Double.parseDouble(v.text.trim());
        } catch (NumberFormatException e) {
            throw bad(v, name, "must be a number, got '" + ExperimentFile.shown(v.text) + "'");
        }
        if (!(d >= min && d <= max)) throw bad(v, name, "must be in [" + min + ", " + max + "], got " + v.text);
        return d;
    }

    /** Longest duration a parameter may give: an hour is beyond any run's length. */
    public static final long MAX_DURATION_NANOS = 3_600_000_000_000L;

    /** A duration such as {@code 50us}, in nanoseconds; must be positive and at most an hour. */
    public long duration(String name, long defNanos) {
        Value v = scalar(name);
        if (v == null) return defNanos;
        long ns;
        try {
            ns = Durations.parse(v.text);
        } catch (IllegalArgumentException e) {
            throw bad(v, name, e.getMessage());
        }
        if (ns <= 0) throw bad(v, name, "must be longer than 0");
        if (ns > MAX_DURATION_NANOS) throw bad(v, name, "must be at most 1 hour, got '" + ExperimentFile.shown(v.text) + "'");
        return ns;
    }

    /** One of {@code allowed} (case-insensitive), returned in lower case. */
    public String choice(String name, String def, String... allowed) {
        Value v = scalar(name);
        if (v == null) return def;
        String t = v.text.trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) if (a.equals(t)) return t;
        throw bad(v, name, "must be one of " + String.join(", ", allowed) + "; got '" + ExperimentFile.shown(v.text) + "'");
    }

    public boolean flag(String name, boolean def) {
        Value v = scalar(name);
        if (v == null) return def;
        return switch (v.text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(v, name, "must be true or false, got '" + ExperimentFile.shown(v.text) + "'");
        };
    }

    /** A list of integers in [min, max] (a single value counts as a list of one); empty by default. */
    public int[] integers(String name, int min, int max) {
        read.add(name);
        Value v = values.get(name);
        if (v == null) return new int[0];
        List<String> texts = v.list != null ? v.list : List.of(v.text);
        int[] out = new int[texts.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Integer.parseInt(texts.get(i).trim());
            } catch (NumberFormatException e) {
                throw bad(v, name, "must list whole numbers, got '" + ExperimentFile.shown(texts.get(i)) + "'");
            }
            if (out[i] < min || out[i] > max) throw bad(v, name, "values must be in [" + min + ", " + max + "], got " + out[i]);
        }
        return out;
    }

    /** Parameters given but never read: unknown to the design. */
    public List<String> unread() {
        List<String> out = new ArrayList<>();
        for (String k : values.keySet()) if (!read.contains(k)) out.add(k);
        return out;
    }

    /** The line of a parameter, or of the parameters block. */
    public int line(String name) {
        Value v = values.get(name);
        return v != null ? v.line : line;
    }

    /** Names and texts as given, for reports. */
    public Map<String, String> asText() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : values.entrySet()) {
            Value v = e.getValue();
            out.put(e.getKey(), v.text != null ? v.text : String.join(",", v.list));
        }
        return out;
    }

    private Value scalar(String name) {
        read.add(name);
        Value v = values.get(name);
        if (v != null && v.text == null) throw bad(v, name, "must be a single value, not a list");
        return v;
    }

    private ParamException bad(Value v, String name, String problem) {
        return new ParamException(v.line, "design " + owner + ": parameter '" + ExperimentFile.shown(name) + "' " + problem);
    }
}
