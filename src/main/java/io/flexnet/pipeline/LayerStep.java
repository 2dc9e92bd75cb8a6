package io.flexnet.pipeline;

import io.flexnet.packet.Packet;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.LayerKind;
import java.util.List;

/** A protocol layer as a step: {@code process} the packet, then go on or stop where the layer took it. */
final class LayerStep extends CallStep {
    private final Layer layer;
    private final LayerKind kind;

    LayerStep(Layer layer) {
        super(layer, Layer.class, layer.name());
        this.layer = layer;
        this.kind = layer.kind();
    }

    Layer layer() { return layer; }

    LayerKind kind() { return kind; }

    @Override
    int call(Packet p, LayerContext cx) { return layer.process(p, cx); }

    /** In the template, once, and after the layers before it in the template's order. */
    @Override
    void checkPlacement(Placement at) {
        List<LayerKind> order = at.template().layers();
        int pos = order.indexOf(kind);
        if (pos < 0) {
            throw at.fail(kind.label() + " does not belong in a " + at.template()
                    + " pipeline, whose layers are " + at.layerLabels());
        }
        if (at.stepOf(kind) >= 0) {
            throw at.fail(kind.label() + " appears twice (also step " + at.stepOf(kind) + ")");
        }
        LayerStep before = at.layerBefore();
        if (before != null && pos < order.indexOf(before.kind)) {
            throw at.fail("out of protocol order: comes after " + before.name()
                    + "; layers run in the order " + at.layerLabels());
        }
    }
}
