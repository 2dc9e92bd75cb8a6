// The server side of the request protocol: spends each request's service time, then answers it in place.
package io.flexnet.workload;

import io.flexnet.packet.Counters;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.PreemptibleApplication;
import io.flexnet.proto.tcp.Listener;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.Tcp;
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
 *
 * <p>Over TCP ({@link #listen}) the listener delivers in-order segments in place at {@code yield()};
 * each connection's {@link RequestStream} cuts them into {@link StreamFraming} frames, the replies to
 * the frames a segment completes are written over it, and the work of those requests is spent before
 * the reply goes. Bytes the connection had to buffer are answered by whichever thread the connection
 * tells, through the send buffer. A stream that breaks its framing is reset.
 */
public final class RequestServer implements Application {
    private static final int SERVED = 0, SHORT = 1, BROKEN = 2;
    private final Counters counters = new Counters("server", "served", "short", "broken-streams");
    private volatile Tcp tcp;
    private final StreamConnection.Notifier buffered = this::buffered;
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
        if (p.protocol == Ipv4Header.PROTO_TCP) return segmentSlice(co, p, cx);
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
        Packet p = co.packet();
        if (p.protocol == Ipv4Header.PROTO_TCP) {
            long service = parse(p);
            if (service < 0) return CONSUMED;
            runtime.spend(service);
            return ANSWER;
        }
        serve(p);
        return ANSWER;
    }

    /**
     * Serves requests over TCP on {@code port} of {@code tcp}'s stack: a listener that delivers in
     * place, whose connections are taken as they complete (on the thread that completed them).
     */
    public Listener listen(Tcp tcp, int port, int backlog) {
        this.tcp = tcp;
        Listener l = tcp.listen(port, backlog);
        l.deliverInPlace(true);
        l.onAcceptReady(() -> {
            for (StreamConnection c; (c = l.accept()) != null; ) RequestStream.of(c, buffered);
        });
        return l;
    }

    /**
     * Parses a segment delivered in place into its connection's stream: the service nanoseconds of the
     * requests it completed, or {@link RequestStream#BROKEN} when its stream broke or its connection is
     * gone; then the connection is reset, the stream counted and the slot released, nothing to send.
     */
    private long parse(Packet p) {
        Tcp t = tcp;
        StreamConnection c = t == null ? null : t.connectionOf(p);
        long service = c == null ? RequestStream.BROKEN : RequestStream.of(c, buffered).inPlace(p, counters, SERVED);
        if (service < 0) {
            reset(c);
            p.release();
        }
        return service;
    }

    private void reset(StreamConnection c) {
        counters.inc(BROKEN);
        if (c != null) c.abort();
    }

    /** The preemptible form: parsed at the first slice, its work spent over as many as it takes. */
    private int segmentSlice(Coroutine co, Packet p, io.flexnet.proto.LayerContext cx) {
        // The total work of the segment's requests, kept in the slot between slices (plus one: 0 is unparsed).
        if (p.userData == 0) {
            long service = parse(p);
            if (service < 0) return CONSUMED;
            p.userData = service + 1;
        }
        long service = p.userData - 1;
        long left = runtime.spend(service - co.progress(), cx.quantum());
        if (left > 0) {
            co.setProgress(service - left);
            return PREEMPTED;
        }
        p.userData = 0;
        return ANSWER;
    }

    /** A connection buffered bytes (or closed): answer them on this thread if it is their turn. */
    private void buffered(StreamConnection c, int events) {
        if (!(c.attachment() instanceof RequestStream r)) return;
        long service = r.drain(counters, SERVED);
        if (service < 0) {
            reset(c);
        } else if (service > 0) {
            runtime.spend(service);
        }
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

    /**
     * Does the work of {@code frames} requests a socket server parsed ({@link RequestStream#read}),
     * {@code service} nanoseconds of it, on the calling thread.
     */
    public void serveFrames(int frames, long service) {
        runtime.spend(service);
        counters.add(SERVED, frames);
    }

    /** A stream a socket server read was not frames: counted, the caller resets it. */
    public void brokenStream() { counters.inc(BROKEN); }

    /** TCP connections reset because their bytes were not frames. */
    public long brokenStreams() { return counters.get(BROKEN); }
}
