// A design parameter that is missing, malformed or out of range, with the line it came from.
package io.flexnet.experiment;

/** Thrown by {@link Params} getters; the line is 0 when the parameter did not come from a file. */
public final class ParamException extends IllegalArgumentException {
    private final int line;

    public ParamException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() { return line; }
}
