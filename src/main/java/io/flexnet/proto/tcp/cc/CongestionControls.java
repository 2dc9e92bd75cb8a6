package io.flexnet.proto.tcp.cc;

import java.util.List;

/** The built-in algorithms by the names experiment files use; CUBIC is the default, as in Linux. */
public final class CongestionControls {
    private CongestionControls() {}

    private static final List<CongestionControl> BUILT_IN = List.of(Cubic.INSTANCE, NewReno.INSTANCE);

    /** The algorithm a connection gets unless it asks for another. */
    public static CongestionControl defaultAlgorithm() { return Cubic.INSTANCE; }

    /** The algorithm called {@code name} ({@code "cubic"}, {@code "newreno"}), ignoring case. */
    public static CongestionControl byName(String name) {
        for (CongestionControl cc : BUILT_IN) if (cc.name().equalsIgnoreCase(name)) return cc;
        throw new IllegalArgumentException("no congestion control called '" + name + "'; built in: " + names());
    }

    /** The names of the built-in algorithms, the default first. */
    public static List<String> names() {
        return BUILT_IN.stream().map(CongestionControl::name).toList();
    }
}
