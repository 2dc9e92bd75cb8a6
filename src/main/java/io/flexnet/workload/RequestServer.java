// The server side of the request protocol: spends each request's service time, then answers it in place.
package io.flexnet.workload;

import io.flexnet.packet.Counters;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.PreemptibleApplication;
import io.flexnet.runtime.StackRuntime;
import java.lang.foreign.MemorySegment;

/**
 * Answers {@link KvRequest}s: it busy-works for the service time the request asks for
 * ({@link StackRuntime#spend}: real CPU on the serving thread in the real runtime, so what queues behind
 * waits) and replies with the request itself, so the
 * generator finds the request id where it wrote it. As an {@link Application} it serves at a
 * {@code yield()} point of a run-to-completion pipeline; {@link #serve} is the same work for socket
 * servers on application threads.
 *
 * <p>A datagram too short to be a request is answered anyway, without work: the send path must still
 * see every datagram it was given, and the generator counts what it cannot match.
 */
public final class RequestServer implements Application {
    private static final int SERVED = 0, SHORT = 1;
    private final Counters counters = new Counters("server", "served", "short");
    private final StackRuntime runtime;
    private final PreemptibleApplication preemptible = this::serveSlice;

    public RequestServer(StackRuntime runtime) { this.runtime = java.util.Objects.requireNonNull(runtime); }

    /**
     * The same server as a {@link PreemptibleApplication}: it spends the service time polling the
     * worker's quantum between clock reads and stops at the first yield point after the quantum
     * expired. Its progress is the nanoseconds already spent, so a resumed request spends only the
     * rest, on whichever worker resumes it; the reply is the request, as unpreempted.
     */
    public PreemptibleApplication preemptible() { return preemptible; }

    private int serveSlice(Coroutine co, io.flexnet.proto.LayerContext cx) {
        Packet p = co.packet();
        if (p.payloadLength < KvRequest.LENGTH) {
            counters.inc(SHORT);
            return ANSWER;
        }
        long service = KvRequest.serviceNanos(p.segment(), p.payloadOffset);
        long done = co.progress();
        long left = runtime.spend(service - done, cx.quantum());
        if (left > 0) {
            co.setProgress(service - left);
            return PREEMPTED;
        }
        counters.inc(SERVED);
        return ANSWER;
    }

    @Override
    public int onYield(Coroutine co) {
        serve(co.packet());
        return ANSWER;
    }

    /** Does the request's work on the calling thread; the packet (payload fields set) becomes the reply. */
    public void serve(Packet p) {
        if (p.payloadLength < KvRequest.LENGTH) {
            counters.inc(SHORT);
            return;
        }
        runtime.spend(KvRequest.serviceNanos(p.segment(), p.payloadOffset));
        counters.inc(SERVED);
    }

    /**
     * The same for a request copied out of a socket into {@code buf} ({@code len} bytes at {@code off};
     * a segment made once per thread over the receive buffer): the reply is those bytes sent back.
     * Returns the request's type, or -1 for a datagram too short to be a request.
     */
    public int serve(MemorySegment buf, long off, int len) {
        if (len < KvRequest.LENGTH) {
            counters.inc(SHORT);
            return -1;
        }
        runtime.spend(KvRequest.serviceNanos(buf, off));
        counters.inc(SERVED);
        return KvRequest.type(buf, off);
    }

    /**
     * Part of a request's work, for a server that gives its core back between parts (a thread a
     * scheduler may preempt): spends at most {@code most} of what is left after {@code done}
     * nanoseconds and returns the total done, counting the request served when that is all of it.
     * Returns -1 for a datagram too short to be a request (counted, no work).
     */
    public long serveSome(MemorySegment buf, long off, int len, long done, long most) {
        if (len < KvRequest.LENGTH) {
            counters.inc(SHORT);
            return -1;
        }
        long service = KvRequest.serviceNanos(buf, off);
        long run = Math.max(0, Math.min(service - done, most));
        runtime.spend(run);
        done += run;
        if (done >= service) counters.inc(SERVED);
        return done;
    }

    public long served() { return counters.get(SERVED); }

    public long tooShort() { return counters.get(SHORT); }
}
