// A capture filter that cannot be compiled or run: the expression and the reason, in one line.
package io.flexnet.interpose;

/** Thrown when libpcap refuses an expression, or its program fails {@link ClassicBpf}'s checks. */
public final class CaptureFilterException extends IllegalArgumentException {
    private final String expression;
    private final String reason;

    public CaptureFilterException(String expression, String reason) {
        super("capture filter '" + expression + "': " + reason);
        this.expression = expression;
        this.reason = reason;
    }

    public String expression() { return expression; }

    public String reason() { return reason; }
}
