// The request the load generator sends and the request server answers: a key-value header plus the work it asks for.
package io.flexnet.workload;

import io.flexnet.packet.Bytes;
import io.flexnet.policy.RequestHeader;
import java.lang.foreign.MemorySegment;

/**
 * Static accessors for a request at the start of a UDP payload, big-endian: the shared
 * {@link RequestHeader} (u64 request id, u8 type, u32 key, u32 user id; 17 bytes, what matching policies
 * read) followed by a u32 of service nanoseconds, the work the request asks the server for (a SCAN's
 * length, say). The
 * generator draws the service time, so a seed fixes the work of a whole run whichever thread serves it.
 * A reply is the request sent back, so the generator finds the id at the same place.
 */
public final class KvRequest {
    public static final int GET = RequestHeader.GET;
    public static final int SCAN = RequestHeader.SCAN;
    public static final int PUT = RequestHeader.PUT;

    /** The shared request header ends here. */
    public static final int HEADER_LENGTH = RequestHeader.LENGTH;
    public static final int SERVICE_OFFSET = HEADER_LENGTH;
    /** Smallest payload that carries a request. */
    public static final int LENGTH = SERVICE_OFFSET + 4;

    private KvRequest() {}

    public static long id(MemorySegment s, long payload) { return RequestHeader.requestId(s, payload); }
    public static int type(MemorySegment s, long payload) { return RequestHeader.type(s, payload); }
    public static int key(MemorySegment s, long payload) { return RequestHeader.key(s, payload); }
    public static int user(MemorySegment s, long payload) { return RequestHeader.user(s, payload); }

    /** Service nanoseconds asked for, unsigned (up to 4.29 s). */
    public static long serviceNanos(MemorySegment s, long payload) { return Bytes.u32L(s, payload + SERVICE_OFFSET); }

    /** Writes a whole request; {@code serviceNanos} is clamped to the u32 range. */
    public static void write(MemorySegment s, long payload, long id, int type, int key, int user, long serviceNanos) {
        RequestHeader.write(s, payload, id, type, key, user);
        Bytes.i32(s, payload + SERVICE_OFFSET, (int) Math.min(serviceNanos, 0xFFFF_FFFFL));
    }

    /** "GET", "SCAN", "PUT", or the number. */
    public static String typeName(int type) {
        return switch (type) {
            case GET -> "GET";
            case SCAN -> "SCAN";
            case PUT -> "PUT";
            default -> Integer.toString(type);
        };
    }

    /** The type for a name (case-insensitive), or -1. */
    public static int typeOf(String name) {
        return switch (name.toUpperCase(java.util.Locale.ROOT)) {
            case "GET" -> GET;
            case "SCAN" -> SCAN;
            case "PUT" -> PUT;
            default -> -1;
        };
    }
}
