// One design as an experiment file names it: built-in or class, its parameters, the request classes it is offered.
package io.flexnet.experiment;

import java.util.List;
import java.util.Map;

/**
 * A design entry of an experiment: its name in reports, where it comes from ({@code builtin} or
 * {@code className}, exactly one set), its parameters, the request classes offered to it (null:
 * all) and its own shares of them (null: the file's). {@link #create} makes a fresh, configured
 * instance for each run.
 */
public record DesignSpec(String name, String builtin, String className, Params params, List<String> classes,
        Map<String, Double> shares, int line) {
    public DesignSpec {
        if ((builtin == null) == (className == null)) throw new IllegalArgumentException("design " + name + ": builtin or class, one of them");
        if (classes != null) classes = List.copyOf(classes);
        if (shares != null) shares = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(shares));
    }

    /** Offered every class at the file's shares. */
    public DesignSpec(String name, String builtin, String className, Params params, List<String> classes, int line) {
        this(name, builtin, className, params, classes, null, line);
    }

    /** A new instance with its parameters applied. */
    public Design create() {
        Design d = builtin != null ? Designs.builtin(builtin) : Designs.ofClass(className);
        if (d == null) throw new IllegalArgumentException("unknown built-in design '" + builtin + "'");
        d.configure(params);
        return d;
    }

    /** Where it comes from, for reports. */
    public String origin() { return builtin != null ? builtin : className; }
}
