package io.flexnet.pipeline;

import io.flexnet.proto.LayerKind;

/**
 * Where a step stands, as the verifier shows it to the step checking itself: its neighbours, the
 * template, the layers placed before it; and the way to refuse it with a message naming it.
 */
final class Placement {
    private final String pipeline;
    private final Template template;
    private final Step[] steps;
    private final int[] stepOf = new int[LayerKind.values().length];
    private int index;
    private LayerStep layerBefore;

    Placement(String pipeline, Template template, Step[] steps) {
        this.pipeline = pipeline;
        this.template = template;
        this.steps = steps;
        java.util.Arrays.fill(stepOf, -1);
    }

    /** Moves to step {@code index}. */
    Placement at(int index) {
        this.index = index;
        return this;
    }

    /** Records that the step at the current index, a layer, is placed: the walk goes on past it. */
    void placed(LayerStep layer) {
        stepOf[layer.kind().ordinal()] = index;
        layerBefore = layer;
    }

    Template template() { return template; }

    int index() { return index; }

    /** The step before this one, or null at the first. */
    Step previous() { return index == 0 ? null : steps[index - 1]; }

    /** The step after this one, or null at the last; while linking, as it will run. */
    Step next() { return index + 1 < steps.length ? steps[index + 1] : null; }

    boolean last() { return index == steps.length - 1; }

    /** The last layer before this step, or null if none (known while walking forward). */
    LayerStep layerBefore() { return layerBefore; }

    /** The step where a layer of {@code kind} already stands before this one, or -1. */
    int stepOf(LayerKind kind) { return stepOf[kind.ordinal()]; }

    /** The template's layers in their order, for messages. */
    String layerLabels() {
        StringBuilder sb = new StringBuilder();
        for (LayerKind k : template.layers()) sb.append(sb.isEmpty() ? "" : ", ").append(k.label());
        return sb.toString();
    }

    /** The refusal of this step, for the caller to throw. */
    PipelineException fail(String problem) { return fail(index, problem); }

    /** The refusal of step {@code step} (a neighbour this step cannot work with), for the caller to throw. */
    PipelineException fail(int step, String problem) {
        return new PipelineException(pipeline, step, steps[step].name(), problem);
    }
}
