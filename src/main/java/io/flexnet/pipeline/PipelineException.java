package io.flexnet.pipeline;

/** A pipeline failed verification at {@code build()}; the message names the offending step. */
public final class PipelineException extends IllegalArgumentException {
    private final int step;

    public PipelineException(String pipeline, int step, String stepName, String problem) {
        super("pipeline '" + pipeline + "', step " + step + " (" + stepName + "): " + problem);
        this.step = step;
    }

    /** Index of the offending step in the order the builder received them, or -1 for the whole. */
    public int step() { return step; }
}
