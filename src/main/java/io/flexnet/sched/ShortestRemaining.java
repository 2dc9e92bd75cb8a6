package io.flexnet.sched;

import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.runtime.Quantum;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Shortest remaining time first, or least attained service, at the granularity of a quantum: requests
 * wait in levels (FIFO queues), and each call runs one slice of the oldest request of the lowest
 * non-empty level. A request's level is its {@link Rank}: the quanta it still needs by its class's
 * estimate ({@link Rank#remaining}: SRTF) or the quanta it has had ({@link Rank#attained}: LAS, which
 * needs no estimate). Arrivals are sorted from the input queues into their levels first; a preempted
 * request goes to the back of its new level. Levels are exact up to the last, which holds everything
 * ranked at or beyond it (and, for SRTF, requests that outran their estimate) in round robin.
 *
 * <pre>{@code
 * CoroutineQueue[] levels = new CoroutineQueue[8];
 * for (int i = 0; i < levels.length; i++) levels[i] = e.queue("level" + i, 4096, Concurrency.SPSC);
 * Executor las = new ShortestRemaining(quantum, Rank.attained(), levels, requests);
 * }</pre>
 *
 * The levels are the executor's own: make them SPSC, served by this worker alone, and register them
 * with the engine ({@code Engine.queue}) so a shutdown counts what they still hold.
 */
public final class ShortestRemaining implements Executor {
    /** Arrivals sorted into levels per call, at most: bounds a call when a burst arrives. */
    private static final int SORT_BATCH = 64;

    /** A request's level: a small number, lower first. Clamped to the executor's levels. */
    @FunctionalInterface
    public interface Rank {
        int level(Coroutine co);

        /** Least attained service: the quanta the request has used (its preemptions). */
        static Rank attained() { return Coroutine::preemptions; }

        /**
         * Shortest remaining time: the quanta of {@code quantumNanos} still left of the request's
         * estimated service ({@code expectedNanos}, by request class), counted by its preemptions. A
         * request that used up its estimate is ranked last: its remaining time is unknown.
         */
        static Rank remaining(ToLongFunction<Packet> expectedNanos, long quantumNanos) {
            if (quantumNanos <= 0) throw new IllegalArgumentException("quantum must be > 0");
            return co -> {
                long expected = expectedNanos.applyAsLong(co.packet());
                long quanta = (expected + quantumNanos - 1) / quantumNanos;
                long left = quanta - co.preemptions();
                return left <= 0 ? Integer.MAX_VALUE : (int) Math.min(left, Integer.MAX_VALUE);
            };
        }
    }

    private final Quantum quantum;
    private final Rank rank;
    private final CoroutineQueue[] levels;
    private final CoroutineQueue[] inputs;
    private final Requeue toLevel;

    public ShortestRemaining(Quantum quantum, Rank rank, CoroutineQueue[] levels, CoroutineQueue... inputs) {
        if (levels.length == 0) throw new IllegalArgumentException("ShortestRemaining needs at least one level");
        if (inputs.length == 0) throw new IllegalArgumentException("ShortestRemaining needs at least one input queue");
        this.quantum = java.util.Objects.requireNonNull(quantum, "quantum");
        this.rank = java.util.Objects.requireNonNull(rank, "rank");
        this.levels = levels.clone();
        this.inputs = inputs.clone();
        final CoroutineQueue[] ls = this.levels;
        final int last = ls.length - 1;
        this.toLevel = co -> {
            int l = rank.level(co);
            return ls[l < 0 ? 0 : l > last ? last : l];
        };
    }

    @Override
    public int doWork(ExecContext ctx) {
        final CoroutineQueue[] in = inputs;
        for (int i = 0; i < in.length; i++) ctx.move(in[i], SORT_BATCH, toLevel);
        final CoroutineQueue[] ls = levels;
        for (int l = 0; l < ls.length; l++) {
            if (!ls[l].isEmpty()) return ctx.resumeSlice(ls[l], quantum, toLevel);
        }
        return 0;
    }

    /** Inputs, then levels: where its work waits (core policies and wake-ups read them). */
    @Override
    public List<CoroutineQueue> queues() {
        List<CoroutineQueue> all = new ArrayList<>(List.of(inputs));
        all.addAll(List.of(levels));
        return all;
    }

    /** Only the inputs wake a sleeping worker: the levels fill on this worker's own thread. */
    @Override
    public List<io.flexnet.pipeline.WakeSource> wakeSources() { return List.copyOf(List.of(inputs)); }

    public Quantum quantum() { return quantum; }

    @Override public String name() { return "ShortestRemaining"; }
}
