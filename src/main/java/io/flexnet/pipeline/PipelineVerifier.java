package io.flexnet.pipeline;

import io.flexnet.proto.LayerKind;

/**
 * Checks a pipeline's steps as a whole before it runs, and refuses it with a {@link PipelineException}
 * naming the first offending step. Each step checks its own placement ({@link Step#checkPlacement},
 * {@link Step#link}); the verifier walks them in an order that names the first fault a reader would
 * see, and adds what no single step can judge: every layer of the template is present, and an Rx+Tx
 * pipeline has its one {@code yield()}.
 *
 * <p>The order of the checks is the order of the messages: first each step given the steps before it
 * (protocol order, no layer twice, suspension points apart, queue points complete, {@code yield()}
 * after {@code l4_rcv}); then missing layers; then each step given the steps after it, from the last
 * back (nothing to resume after a suspension point, a {@code Replier} after {@code yield()}); then the
 * count of {@code yield()}s.
 */
final class PipelineVerifier {
    private final String pipeline;
    private final Template template;

    PipelineVerifier(String pipeline, Template template) {
        this.pipeline = pipeline;
        this.template = template;
    }

    /** Verifies {@code steps} and returns them as they will run (linked to their neighbours). */
    Step[] verify(Step[] steps) {
        Step[] linked = steps.clone();
        Placement at = walk(linked, linked.length);
        for (LayerKind k : template.layers()) {
            if (at.stepOf(k) < 0) {
                throw new PipelineException(pipeline, -1, k.label(), "missing: a " + template
                        + " pipeline runs " + at.layerLabels());
            }
        }
        // From the end back, so a step sees the steps after it as they will run.
        for (int i = linked.length - 1; i >= 0; i--) linked[i] = linked[i].link(at.at(i));
        if (template == Template.RX_TX && yields(linked) != 1) {
            throw new PipelineException(pipeline, -1, "yield", "an RX_TX pipeline needs one yield() between "
                    + "l4_rcv and l4_send, where the application answers");
        }
        return linked;
    }

    /**
     * Checks steps {@code [0, upTo)} given the steps before each, in order; the builder also calls it on
     * the steps before one it cannot resolve, so that a fault earlier in the pipeline is named first.
     */
    Placement walk(Step[] steps, int upTo) {
        Placement at = new Placement(pipeline, template, steps);
        for (int i = 0; i < upTo; i++) {
            steps[i].checkPlacement(at.at(i));
            if (steps[i] instanceof LayerStep layer) at.placed(layer);
        }
        return at;
    }

    private static int yields(Step[] steps) {
        int n = 0;
        for (Step s : steps) if (s instanceof YieldStep) n++;
        return n;
    }
}
