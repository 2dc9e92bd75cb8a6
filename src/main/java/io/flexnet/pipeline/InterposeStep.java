// An interposer as a step: between two layers, it lets the packet go on or keeps it.
package io.flexnet.pipeline;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;

/**
 * Runs an {@link Interposer}: {@code NEXT} goes on, {@code TAKEN} finishes the coroutine without
 * touching the packet again (see {@link CallStep}).
 */
final class InterposeStep extends CallStep {
    private final Interposer interposer;

    InterposeStep(Interposer interposer) {
        super(interposer, Interposer.class, interposer.name());
        this.interposer = interposer;
    }

    @Override
    int call(Packet p, LayerContext cx) { return interposer.process(p, cx); }

    /** Between layers: a header must have been read before it, and a layer must follow to take the packet. */
    @Override
    void checkPlacement(Placement at) {
        if (at.layerBefore() == null) {
            throw at.fail("interposer " + name() + " before the first layer: no header has been read yet");
        }
    }

    @Override
    Step link(Placement at) {
        if (at.last()) {
            throw at.fail("interposer " + name() + " after the last layer: the packet has already been handed on");
        }
        return this;
    }
}
