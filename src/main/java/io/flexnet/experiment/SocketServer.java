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
 *
 * <p>With a {@code chunk}, a request's work is done in parts of at most that long, one per call, so a
 * core scheduler that takes the worker's core back (a thread scheduler preempting it, as ghOSt does
 * in Syrup's Figure 8) stops it within a chunk, and the request goes on where it stopped when the
 * worker runs again.
 */
final class SocketServer implements Executor {
    private final UdpSocket socket;
    private final RequestServer server;
    private final PolicyMap busy;
    private final DropCounters unsent;
    private final byte[] buf = new byte[2048];
    private final MemorySegment seg = MemorySegment.ofArray(buf);
    private final Peer from = new Peer();

    private final long chunk;

    SocketServer(UdpSocket socket, RequestServer server, PolicyMap busy, DropCounters unsent) {
        this(socket, server, busy, unsent, 0);
    }

    /** {@code chunk}: the longest part of a request's work per call, 0 for all of it at once. */
    SocketServer(UdpSocket socket, RequestServer server, PolicyMap busy, DropCounters unsent, long chunk) {
        this.socket = socket;
        this.server = server;
        this.busy = busy;
        this.unsent = unsent;
        this.chunk = chunk;
    }

    /** Length of the request served in the last call, whose reply is still to go; -1 for none. */
    private int served = -1;
    private boolean servedScan;
    /** With a chunk: the request under way (its length; -1 for none), and its work done so far. */
    private int underWay = -1;
    private long done;
    /** The type of the request under way or awaiting its reply; 0 for none. Read by a thread scheduler. */
    private volatile int serving;

    /**
     * Two calls per request: the first receives it, marks a SCAN busy and serves it (its service time
     * spent on this worker); the second clears the mark and sends the reply. Split so that the mark
     * holds for the whole service time on the simulated runtime too, where a call's time passes only
     * when it returns; on a platform thread the two calls follow each other at once.
     */
    @Override
    public int doWork(ExecContext ctx) {
        if (served >= 0) return reply();
        if (underWay >= 0) return goOn();
        int n = socket.receive(buf, 0, buf.length, from, 0);
        if (n < 0) return 0;  // nothing queued, or closed
        int type = n >= KvRequest.LENGTH ? KvRequest.type(seg, 0) : 0;
        boolean scan = busy != null && type == KvRequest.SCAN;
        if (scan) ScanAvoid.begin(busy, socket.groupIndex());
        servedScan = scan;
        serving = type;
        if (chunk > 0) {
            underWay = n;
            done = 0;
            return goOn();
        }
        served = n;
        server.serve(seg, 0, n);
        return 1;
    }

    /** One part of the request under way; when it is the last, the reply is next. */
    private int goOn() {
        int n = underWay;
        long d = server.serveSome(seg, 0, n, done, chunk);
        if (d < 0 || d >= KvRequest.serviceNanos(seg, 0)) {
            underWay = -1;
            served = n;
        } else {
            done = d;
        }
        return 1;
    }

    /** Whether a SCAN is under way here (received, not yet answered): what a thread scheduler deprioritises. */
    boolean servingScan() { return serving == KvRequest.SCAN; }

    private int reply() {
        int n = served;
        served = -1;
        serving = 0;
        if (servedScan) ScanAvoid.end(busy, socket.groupIndex());
        try {
            socket.sendTo(buf, 0, n, from.ip, from.port);  // no slot: counted pool-empty by the socket
        } catch (IllegalStateException closed) {
            unsent.count(DropReason.SHUTDOWN);  // served as the run ended: the reply is not sent
        }
        return 1;
    }

    @Override public boolean hasWork() { return served >= 0 || underWay >= 0 || socket.queued() > 0; }

    @Override public List<CoroutineQueue> queues() { return List.of(); }

    @Override public List<WakeSource> wakeSources() { return List.of(socket); }

    @Override public String name() { return "socket-server"; }
}
