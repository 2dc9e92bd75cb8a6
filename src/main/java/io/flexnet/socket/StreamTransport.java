package io.flexnet.socket;

import io.flexnet.proto.tcp.StreamConnection;

/**
 * What stream sockets need of a TCP: a listener per port and outgoing connections. The stack's TCP is
 * adapted to it where the sockets are made; a test gives an in-memory one, so the sockets' waiting,
 * back-pressure and port groups are checked without a protocol engine.
 */
public interface StreamTransport {
    /**
     * Listens on {@code port} with an accept queue of {@code backlog} connections.
     *
     * @throws IllegalStateException when the port is taken
     */
    StreamListener listen(int port, int backlog);

    /** Starts an active open to {@code remoteIp:remotePort} from an ephemeral port; never blocks. */
    StreamConnection connect(int remoteIp, int remotePort);
}
