// A design that failed while building a run's stack, named with the line of the file that chose it.
package io.flexnet.experiment;

/**
 * Thrown by the {@link Runner} when a design could not be made or its {@link Design#assemble} threw:
 * the design's own code failed, not the stack. The message is one line, {@code file:line: design
 * NAME: assemble() failed: reason}; the design's exception is the cause.
 */
public final class DesignFailedException extends Exception {
    private final DesignSpec design;

    DesignFailedException(String source, DesignSpec design, Throwable cause) {
        super(source + (design.line() > 0 ? ":" + design.line() : "") + ": design " + design.name()
                + ": assemble() failed: " + Designs.reason(cause), cause);
        this.design = design;
    }

    public DesignSpec design() { return design; }
}
