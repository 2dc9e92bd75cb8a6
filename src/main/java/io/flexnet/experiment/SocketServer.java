// A socket server as an executor: receive one request from its socket, serve it, reply, on a stack worker.
package io.flexnet.experiment;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.policy.PolicyMap;
import io.flexnet.policy.ScanAvoid;
import io.flexnet.sched.ExecContext;
import io.flexnet.sched.Executor;
import io.flexnet.socket.Peer;
import io.flexnet.socket.UdpSocket;
import io.flexnet.workload.KvRequest;
import io.flexnet.workload.RequestServer;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One application thread of Syrup's socket servers, shaped as an executor so the same code runs on a
 * platform thread (the real runtime) and on a virtual core (the simulated one): it takes one datagram
 * from the socket without blocking, serves it (a SCAN marks the thread busy in scan-avoid's map while
 * it lasts) and sends the reply through the send layers on this worker. Blocking receive is
 * the worker sleeping until the socket's arrival kicks it ({@code SleepUntilKicked}); busy polling is
 * the worker spinning. Its buffer is made once.
 */
final class SocketServer implements Executor {
    private final UdpSocket socket;
    private final RequestServer server;
    private final PolicyMap busy;
    private final DropCounters unsent;
    private final byte[] buf = new byte[2048];
    private final MemorySegment seg = MemorySegment.ofArray(buf);
    private final Peer from = new Peer();

    SocketServer(UdpSocket socket, RequestServer server, PolicyMap busy, DropCounters unsent) {
        this.socket = socket;
        this.server = server;
        this.busy = busy;
        this.unsent = unsent;
    }

    /** Length of the request served in the last call, whose reply is still to go; -1 for none. */
    private int served = -1;
    private boolean servedScan;

    /**
     * Two calls per request: the first receives it, marks a SCAN busy and serves it (its service time
     * spent on this worker); the second clears the mark and sends the reply. Split so that the mark
     * holds for the whole service time on the simulated runtime too, where a call's time passes only
     * when it returns; on a platform thread the two calls follow each other at once.
     */
    @Override
    public int doWork(ExecContext ctx) {
        if (served >= 0) return reply();
        int n = socket.receive(buf, 0, buf.length, from, 0);
        if (n < 0) return 0;  // nothing queued, or closed
        boolean scan = busy != null && n >= KvRequest.LENGTH && KvRequest.type(seg, 0) == KvRequest.SCAN;
        if (scan) ScanAvoid.begin(busy, socket.groupIndex());
        served = n;
        servedScan = scan;
        server.serve(seg, 0, n);
        return 1;
    }

    private int reply() {
        int n = served;
        served = -1;
        if (servedScan) ScanAvoid.end(busy, socket.groupIndex());
        try {
            socket.sendTo(buf, 0, n, from.ip, from.port);  // no slot: counted pool-empty by the socket
        } catch (IllegalStateException closed) {
            unsent.count(DropReason.SHUTDOWN);  // served as the run ended: the reply is not sent
        }
        return 1;
    }

    @Override public boolean hasWork() { return served >= 0 || socket.queued() > 0; }

    @Override public List<CoroutineQueue> queues() { return List.of(); }

    @Override public List<WakeSource> wakeSources() { return List.of(socket); }

    @Override public String name() { return "socket-server"; }
}
