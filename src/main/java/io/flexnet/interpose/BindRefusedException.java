// A socket's bind refused because the filter rules would drop all of its traffic.
package io.flexnet.interpose;

/** Names the port, the owner and the rule that refuses it, so the application's author knows what to change. */
public final class BindRefusedException extends IllegalStateException {
    public BindRefusedException(String message) { super(message); }
}
