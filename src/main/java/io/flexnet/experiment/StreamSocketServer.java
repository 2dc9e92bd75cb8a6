// A TCP socket server as an executor: accept on its listening socket, read framed requests, serve, reply.
package io.flexnet.experiment;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.sched.ExecContext;
import io.flexnet.sched.Executor;
import io.flexnet.socket.StreamPoller;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import io.flexnet.workload.RequestServer;
import io.flexnet.workload.RequestStream;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One application thread of {@code socket-group} over TCP, shaped as an executor like
 * {@link SocketServer}: it owns one SO_REUSEPORT listening socket, whose port group gave it its
 * connections (by the socket-choice hook's policy, at the handshake), and a poller over it and them.
 * Each call takes one socket that changed: the listener's new connections are accepted and watched; a
 * connection's bytes are read until none is left, cut into frames, served (their work spent on this
 * worker) and answered on the same connection. Sleeping is the worker sleeping until the poller kicks
 * it. A connection that closes is closed; one whose bytes are not frames is reset.
 */
final class StreamSocketServer implements Executor {
    private final TcpListenSocket listener;
    private final StreamPoller poller;
    private final RequestServer server;
    private final DropCounters unsent;
    private final Map<TcpSocket, RequestStream> streams = new IdentityHashMap<>();
    private final MemorySegment buf = MemorySegment.ofArray(new byte[16 * 1024]);

    StreamSocketServer(TcpListenSocket listener, RequestServer server, StackRuntime runtime, DropCounters unsent) {
        this.listener = listener;
        this.server = server;
        this.unsent = unsent;
        this.poller = new StreamPoller(4096, runtime);
        poller.register(listener);
    }

    @Override
    public int doWork(ExecContext ctx) {
        Object s = poller.poll(0);
        if (s == null) return 0;
        if (s == listener) {
            for (TcpSocket c; (c = listener.accept(0)) != null; ) {
                c.noDelay(true);
                streams.put(c, RequestStream.forSocket());
                poller.register(c);
            }
            return 1;
        }
        TcpSocket c = (TcpSocket) s;
        RequestStream r = streams.get(c);
        if (r == null) return 0;
        int work = 0;
        try {
            while (true) {
                int n = c.read(buf, 0, (int) buf.byteSize(), 0);
                if (n == 0) break;
                if (n < 0) {
                    close(c, false);
                    break;
                }
                int frames = r.read(buf, 0, n);
                if (frames < 0) {
                    server.brokenStream();
                    close(c, true);
                    break;
                }
                work++;
                if (frames == 0) continue;
                server.serveFrames(frames, r.service());
                int len = r.repliesLength();
                // Whole replies or none: a part would leave the client's stream out of step.
                if (c.writable() < len) {
                    unsent.count(DropReason.SOCKET_FULL);
                    continue;
                }
                c.write(r.replies(), 0, len, 0);
            }
        } catch (TcpException | IllegalStateException gone) {
            close(c, false);  // reset by the peer, or the run is ending
        }
        return Math.max(work, 1);
    }

    private void close(TcpSocket c, boolean reset) {
        streams.remove(c);
        if (reset) c.abort();
        else c.close();
    }

    @Override public boolean hasWork() { return poller.hasReady(); }

    @Override public List<CoroutineQueue> queues() { return List.of(); }

    @Override public List<WakeSource> wakeSources() { return List.of(poller); }

    @Override public String name() { return "stream-socket-server"; }
}
