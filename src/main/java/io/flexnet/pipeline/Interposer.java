// Code an administrator puts between two layers: a filter, a capture point, a counter.
package io.flexnet.pipeline;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;

/**
 * What {@link PipelineBuilder#interpose} places between two layers. It sees every packet passing
 * that boundary and returns {@link #NEXT} to let it go on, or {@link #TAKEN} when it kept the packet:
 * dropped it (counted under a reason, slot released), answered it, or handed it elsewhere — after
 * which the pipeline touches the packet no more, as after a layer that returns {@code DONE}.
 *
 * <pre>{@code
 * Pipeline rx = PipelineBuilder.rx("filtered", stack::layer)
 *         .eth().ip().interpose(ingressFilter).l4().socket()
 *         .build();
 * }</pre>
 *
 * A pipeline without an interposer has no code for one (the step exists only where it is placed),
 * so an unused hook costs nothing. An interposer that throws is contained like a layer: the packet is
 * dropped as {@code extension-fault}, counted against the step.
 */
public interface Interposer {
    int NEXT = 0;
    int TAKEN = 1;

    /** Names the step in errors, fault counters and the pipeline's description. */
    String name();

    int process(Packet p, LayerContext cx);
}
