package io.flexnet.socket;

import io.flexnet.proto.tcp.Listener;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.Tcp;
import java.util.Objects;

/**
 * The stack's TCP as the stream sockets' {@link StreamTransport}:
 * {@code new TcpSockets(TcpTransport.of(Tcp.of(stack)), runtime)}.
 */
public final class TcpTransport implements StreamTransport {
    private final Tcp tcp;

    private TcpTransport(Tcp tcp) { this.tcp = tcp; }

    public static TcpTransport of(Tcp tcp) {
        return new TcpTransport(Objects.requireNonNull(tcp, "the stack has no TCP attached"));
    }

    @Override
    public StreamListener listen(int port, int backlog) {
        final Listener l = tcp.listen(port, backlog);
        return new StreamListener() {
            @Override public StreamConnection accept() { return l.accept(); }
            @Override public void onAcceptReady(Runnable r) { l.onAcceptReady(r); }
            @Override public void close() { l.close(); }
            @Override public int port() { return l.port(); }
        };
    }

    @Override
    public StreamConnection connect(int remoteIp, int remotePort) { return tcp.connect(remoteIp, remotePort); }

    public Tcp tcp() { return tcp; }
}
