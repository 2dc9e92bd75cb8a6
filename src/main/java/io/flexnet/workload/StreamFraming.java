// How requests and replies travel over a TCP connection: each one a frame with a length in front.
package io.flexnet.workload;

import io.flexnet.packet.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Requests over TCP: a stream has no datagram edges, so each request is a frame, a big-endian u32
 * length and then the request as a datagram would carry it ({@link KvRequest}: header, service time,
 * padding up to the class's payload). The reply to a request is a frame holding the request's first
 * {@link KvRequest#LENGTH} bytes: its id, type, key, user and service time, so the generator matches
 * it as it matches a datagram reply; a request of any size gets a reply of {@link #REPLY} bytes, as a
 * PUT gets a short status from a store.
 */
public final class StreamFraming {
    /** The length in front of every frame. */
    public static final int PREFIX = 4;
    /** A whole reply frame. */
    public static final int REPLY = PREFIX + KvRequest.LENGTH;

    private StreamFraming() {}

    /** Bytes of the frame that carries a request of {@code payload} bytes. */
    public static int frame(int payload) { return PREFIX + payload; }

    /** Writes the length of a request frame of {@code payload} bytes at {@code off}; the request follows it. */
    public static void writePrefix(MemorySegment s, long off, int payload) { Bytes.i32(s, off, payload); }

    /** The length a frame at {@code off} announces, unsigned. */
    public static long length(MemorySegment s, long off) { return Bytes.u32L(s, off); }

    /** Writes the reply to the request whose first bytes are at {@code request} into {@code off}. */
    public static void writeReply(MemorySegment s, long off, MemorySegment request, long requestOff) {
        Bytes.i32(s, off, KvRequest.LENGTH);
        MemorySegment.copy(request, requestOff, s, off + PREFIX, KvRequest.LENGTH);
    }

    /** Whether a frame may announce {@code length} bytes: at least a request, at most the largest one. */
    public static boolean plausible(long length) {
        return length >= KvRequest.LENGTH && length <= Workload.MAX_TCP_PAYLOAD;
    }
}
