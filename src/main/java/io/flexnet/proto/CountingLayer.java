package io.flexnet.proto;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;

/**
 * A layer that accounts for every packet it processes: each ends in exactly one of its outcome
 * {@link #counters()} (index 0 is "passed on" or "delivered") or in one of its {@link #drops()}. So the
 * packets in are the sum of both and need no counter of their own: one increment per packet per layer.
 */
public interface CountingLayer extends Layer {
    /** Outcome counters, named after the layer; index 0 counts the packets passed on. */
    Counters counters();

    DropCounters drops();

    default long in() { return counters().total() + drops().total(); }

    default long out() { return counters().get(0); }
}
