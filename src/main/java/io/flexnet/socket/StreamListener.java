package io.flexnet.socket;

import io.flexnet.proto.tcp.StreamConnection;

/** One port's listening TCP endpoint, as a {@link StreamTransport} gives it: non-blocking accept and a ready callback. */
public interface StreamListener {
    /** The next established connection, or null when none waits. Safe from any thread. */
    StreamConnection accept();

    /**
     * Sets the one callback run when a connection becomes ready to accept (on the thread that
     * completed the handshake: short, never blocking, never throwing); null for none.
     */
    void onAcceptReady(Runnable r);

    /** Stops listening; connections not yet accepted are reset. */
    void close();

    int port();
}
