// What the stack's own work and the OS's scheduling cost in virtual time, with defaults from measurements.
package io.flexnet.runtime.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Virtual nanoseconds charged for what a simulated thread does besides an application's
 * {@code spend}: each unit of work a round reports (a frame started, a coroutine resumed) costs
 * {@code layersPerItem × layer + suspension}; a round that finds nothing costs {@code poll}; a wake
 * from sleep takes {@code wake} before the thread runs, a kick to another core {@code handoff}, a
 * switch between threads on one core {@code contextSwitch}; threads sharing a core take turns of
 * {@code slice}.
 *
 * <p>The stack's defaults are the README's JMH figures on a 2-core VM: 41-60 ns for four hand-fused
 * layers (about 13 ns a layer), 10-19 ns per extra suspension point, a cross-core hand-off of 103-608 ns
 * at the median (300 ns taken). The OS's are Linux's: a 3 ms base slice (EEVDF's), a context switch of
 * about 2 µs, and about 5 µs from a wake-up to the woken thread running on an idle core.
 *
 * <pre>{@code
 * CostModel c = CostModel.DEFAULTS.with(Map.of("wake", 20_000L, "slice", 1_000_000L));
 * }</pre>
 */
public record CostModel(long layer, long suspension, int layersPerItem, long poll, long handoff, long wake,
                        long contextSwitch, long slice) {
    public static final CostModel DEFAULTS = new CostModel(13, 15, 2, 20, 300, 5_000, 2_000, 3_000_000);

    /** A model whose every cost is zero but the slice: queueing theory's ideal server. */
    public static final CostModel FREE = new CostModel(0, 0, 0, 0, 0, 0, 0, 3_000_000);

    public CostModel {
        if (layer < 0 || suspension < 0 || layersPerItem < 0 || poll < 0 || handoff < 0 || wake < 0
                || contextSwitch < 0) {
            throw new IllegalArgumentException("costs cannot be negative");
        }
        if (slice <= 0) throw new IllegalArgumentException("slice must be positive, got " + slice);
    }

    /** What one unit of work costs the thread that did it. */
    public long perItem() { return layersPerItem * layer + suspension; }

    /** The names {@link #with} accepts, in order, with this model's values. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("layer", layer);
        m.put("suspension", suspension);
        m.put("layers-per-item", (long) layersPerItem);
        m.put("poll", poll);
        m.put("handoff", handoff);
        m.put("wake", wake);
        m.put("context-switch", contextSwitch);
        m.put("slice", slice);
        return m;
    }

    /** This model with some costs replaced by name (nanoseconds); an unknown name is refused. */
    public CostModel with(Map<String, Long> overrides) {
        Map<String, Long> m = asMap();
        for (Map.Entry<String, Long> e : overrides.entrySet()) {
            if (!m.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown cost '" + e.getKey() + "'; known: " + String.join(", ", m.keySet()));
            }
            m.put(e.getKey(), e.getValue());
        }
        return new CostModel(m.get("layer"), m.get("suspension"), Math.toIntExact(m.get("layers-per-item")),
                m.get("poll"), m.get("handoff"), m.get("wake"), m.get("context-switch"), m.get("slice"));
    }
}
