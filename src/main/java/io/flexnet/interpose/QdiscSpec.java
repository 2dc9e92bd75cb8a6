// A queueing discipline as tc's command line writes it: "tbf rate 10mbit burst 32kb latency 50ms".
package io.flexnet.interpose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Parses one qdisc in the words {@code tc qdisc add dev DEV root ...} takes after the device, and makes
 * a fresh one for each transmit queue. Rates are tc's ({@code 10mbit}, {@code 1gbit}, {@code 500kbit},
 * {@code 1000bps} in bytes a second), sizes are bytes ({@code 32kb}, {@code 1mb}, {@code 1514}, {@code
 * 64k}), times {@code 5ms}, {@code 100us}, {@code 1s}:
 *
 * <pre>
 * pfifo [limit PACKETS]                                                      (default limit 1000)
 * fq_codel [limit PACKETS] [flows N] [quantum BYTES] [target TIME] [interval TIME]
 * tbf rate RATE burst BYTES [limit BYTES | latency TIME]                     (default latency 50ms)
 * prio [bands N] [limit PACKETS] [by dscp | by tenant NAME=BAND,...]         (default 3 bands by dscp)
 * drr weights W,W,... [quantum BYTES] [limit PACKETS] [by flow | by tenant NAME=CLASS,...]
 * </pre>
 *
 * {@code by tenant} sends each named tenant's frames (by the owner of their source port) to its
 * class and every other frame to the last; {@code by dscp} maps the IP precedence (DSCP's top three
 * bits) onto the bands, highest first, as Linux's default priomap favours them; {@code by flow} hashes
 * the 5-tuple. Anything else is refused with the word and what was expected.
 */
public final class QdiscSpec {
    private final String kind;
    private final Map<String, String> params;

    private QdiscSpec(String kind, Map<String, String> params) {
        this.kind = kind;
        this.params = params;
    }

    /** The kinds offered, as {@code tc} names them. */
    public static final List<String> KINDS = List.of("pfifo", "prio", "tbf", "drr", "fq_codel");

    private static final Map<String, List<String>> KEYS = Map.of(
            "pfifo", List.of("limit"),
            "fq_codel", List.of("limit", "flows", "quantum", "target", "interval"),
            "tbf", List.of("rate", "burst", "limit", "latency"),
            "prio", List.of("bands", "limit", "by"),
            "drr", List.of("weights", "quantum", "limit", "by"));

    /**
     * Parses {@code text}; throws {@link IllegalArgumentException} naming the word at fault. The
     * qdiscs it makes are checked once here, so {@link #factory} does not fail later.
     */
    public static Supplier<Qdisc> parse(String text, OwnerTable owners) {
        String[] w = text.strip().split("\\s+");
        String kind = w[0].toLowerCase(Locale.ROOT);
        List<String> keys = KEYS.get(kind);
        if (keys == null || w[0].isEmpty()) {
            throw new IllegalArgumentException("unknown qdisc '" + w[0] + "'; expected one of " + String.join(", ", KINDS));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < w.length; i++) {
            String key = w[i].toLowerCase(Locale.ROOT);
            if (!keys.contains(key)) {
                throw new IllegalArgumentException(kind + ": unknown parameter '" + w[i] + "'; expected "
                        + String.join(", ", keys));
            }
            if (i + 1 >= w.length) throw new IllegalArgumentException(kind + ": '" + key + "' needs a value");
            String value = w[++i];
            if (key.equals("by")) {
                if (value.equals("tenant")) {
                    if (i + 1 >= w.length) throw new IllegalArgumentException(kind + ": 'by tenant' needs NAME=CLASS,...");
                    value = "tenant " + w[++i];
                } else if (!value.equals("dscp") && !value.equals("flow")) {
                    throw new IllegalArgumentException(kind + ": by '" + value + "'; expected tenant, dscp or flow");
                }
            }
            if (params.put(key, value) != null) throw new IllegalArgumentException(kind + ": '" + key + "' given twice");
        }
        QdiscSpec spec = new QdiscSpec(kind, params);
        Supplier<Qdisc> make = spec.factory(owners);
        try {
            make.get();  // every constructor check runs now, not when the device opens
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(kind + ": " + e.getMessage(), e);
        }
        return make;
    }

    private Supplier<Qdisc> factory(OwnerTable owners) {
        try {
            return switch (kind) {
                case "pfifo" -> {
                    int limit = count("limit", 1000);
                    yield () -> new Pfifo(limit);
                }
                case "fq_codel" -> {
                    int limit = count("limit", FqCodel.DEFAULT_LIMIT), flows = count("flows", FqCodel.DEFAULT_FLOWS);
                    int quantum = (int) size("quantum", FqCodel.DEFAULT_QUANTUM);
                    long target = time("target", FqCodel.DEFAULT_TARGET), interval = time("interval", FqCodel.DEFAULT_INTERVAL);
                    yield () -> new FqCodel(flows, quantum, limit, target, interval);
                }
                case "tbf" -> {
                    if (!params.containsKey("rate") || !params.containsKey("burst")) {
                        throw new IllegalArgumentException("tbf needs rate and burst (tbf rate 10mbit burst 32kb)");
                    }
                    if (params.containsKey("limit") && params.containsKey("latency")) {
                        throw new IllegalArgumentException("tbf takes limit or latency, not both");
                    }
                    long rate = rate("rate"), burst = size("burst", 0);
                    // tc's rule: the backlog a latency allows at the rate, plus the bucket.
                    long limit = params.containsKey("limit") ? size("limit", 0)
                            : burst + rate * time("latency", 50_000_000L) / 1_000_000_000L;
                    yield () -> new Tbf(rate, burst, limit);
                }
                case "prio" -> {
                    int bands = count("bands", 3), limit = count("limit", 1000);
                    Classifier c = classifier(owners, "dscp", bands);
                    yield () -> new Prio(bands, limit, c);
                }
                case "drr" -> {
                    if (!params.containsKey("weights")) throw new IllegalArgumentException("drr needs weights (drr weights 3,1)");
                    int[] weights = weights();
                    int quantum = (int) size("quantum", 1514), limit = count("limit", 1000);
                    Classifier c = classifier(owners, "flow", weights.length);
                    yield () -> new Drr(weights, quantum, limit, c);
                }
                default -> throw new IllegalStateException(kind);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(kind) ? e.getMessage() : kind + ": " + e.getMessage(), e);
        }
    }

    private Classifier classifier(OwnerTable owners, String otherwise, int classes) {
        String by = params.getOrDefault("by", otherwise);
        if (by.equals("flow")) return Classifier.byFlow(classes);
        if (by.equals("dscp")) {
            int[] map = new int[64];
            for (int dscp = 0; dscp < 64; dscp++) map[dscp] = Math.min(classes - 1, (7 - (dscp >>> 3)) * classes / 8);
            return Classifier.byDscp(map);
        }
        Map<String, Integer> byTenant = new HashMap<>();
        for (String pair : by.substring("tenant ".length()).split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("by tenant: '" + pair + "'; expected NAME=CLASS");
            int c = parseInt(pair.substring(eq + 1), "class of tenant " + pair.substring(0, eq));
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("by tenant: class " + c + " of " + pair.substring(0, eq)
                        + " is not in [0, " + (classes - 1) + "]");
            }
            byTenant.put(pair.substring(0, eq), c);
        }
        return Classifier.byTenant(owners, byTenant, classes - 1);
    }

    private int[] weights() {
        List<Integer> out = new ArrayList<>();
        for (String s : params.get("weights").split(",")) out.add(parseInt(s, "weight"));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int count(String key, int otherwise) {
        String v = params.get(key);
        if (v == null) return otherwise;
        int n = parseInt(v, key);
        if (n < 1) throw new IllegalArgumentException(key + " " + v + " must be at least 1");
        return n;
    }

    private static int parseInt(String v, String what) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + v + "' is not a whole number");
        }
    }

    /** Bytes: N, Nb, Nk/Nkb (×1024), Nm/Nmb (×1024²), as tc reads sizes. */
    private long size(String key, long otherwise) {
        String v = params.get(key);
        if (v == null) return otherwise;
        return number(key, v, Map.of("", 1L, "b", 1L, "k", 1024L, "kb", 1024L, "m", 1L << 20, "mb", 1L << 20),
                "a size such as 1514, 32kb or 1mb");
    }

    /** Bytes a second from tc's rate units: bit, kbit, mbit, gbit (×1000), and bps, kbps, mbps (bytes). */
    private long rate(String key) {
        String v = params.get(key);
        long bits = number(key, v, Map.of("bit", 1L, "kbit", 1_000L, "mbit", 1_000_000L, "gbit", 1_000_000_000L,
                "bps", 8L, "kbps", 8_000L, "mbps", 8_000_000L), "a rate such as 10mbit, 1gbit or 125000bps");
        if (bits % 8 != 0) throw new IllegalArgumentException(key + " " + v + " is not a whole number of bytes a second");
        return bits / 8;  // the table is in bits, so byte rates and whole-byte bit rates stay exact
    }

    /** Nanoseconds from us, ms, s. */
    private long time(String key, long otherwise) {
        String v = params.get(key);
        if (v == null) return otherwise;
        return number(key, v, Map.of("us", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L), "a time such as 5ms or 100us");
    }

    private static long number(String key, String v, Map<String, Long> units, String expected) {
        String s = v.toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
        Long unit = units.get(s.substring(end));
        if (end == 0 || unit == null) throw new IllegalArgumentException(key + " '" + v + "': expected " + expected);
        long n;
        try {
            n = Math.multiplyExact(Long.parseLong(s.substring(0, end)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + v + "' is too large");
        }
        if (n <= 0) throw new IllegalArgumentException(key + " '" + v + "' must be more than 0");
        return n;
    }
}
