// SIGHUP for a serving command: the daemon's signal to read its configuration again.
package io.flexnet.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs an action on each SIGHUP, on the JVM's signal thread, until {@link #close} restores the handler
 * that was there before. The action must not throw (what it reports, it reports itself). Where the
 * JVM does not let a program handle SIGHUP ({@code -Xrs}), {@link #install} returns a handle that
 * does nothing.
 */
final class Hangup implements AutoCloseable {
    private static final Signal HUP = new Signal("HUP");
    private final SignalHandler previous;

    private Hangup(SignalHandler previous) { this.previous = previous; }

    static Hangup install(Runnable action) {
        try {
            return new Hangup(Signal.handle(HUP, sig -> action.run()));
        } catch (IllegalArgumentException refused) {
            return new Hangup(null);
        }
    }

    @Override
    public void close() {
        if (previous != null) Signal.handle(HUP, previous);
    }
}
