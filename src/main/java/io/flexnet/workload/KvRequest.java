// The request the load generator sends and the request server answers: a key-value header plus the work it asks for.
package io.flexnet.workload;

import io.flexnet.packet.Bytes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Static accessors for a request at the start of a UDP payload, big-endian: the shared request header
 * (u64 request id, u8 type, u32 key, u32 user id; 17 bytes, what matching policies read) followed by a
 * u32 of service nanoseconds, the work the request asks the server for (a SCAN's length, say). The
 * generator draws the service time, so a seed fixes the work of a whole run whichever thread serves it.
 * A reply is the request sent back, so the generator finds the id at the same place.
 */
public final class KvRequest {
    public static final int GET = 1;
    public static final int SCAN = 2;
    public static final int PUT = 3;

    public static final int ID_OFFSET = 0;
    public static final int TYPE_OFFSET = 8;
    public static final int KEY_OFFSET = 9;
    public static final int USER_OFFSET = 13;
    /** The shared request header ends here. */
    public static final int HEADER_LENGTH = 17;
    public static final int SERVICE_OFFSET = HEADER_LENGTH;
    /** Smallest payload that carries a request. */
    public static final int LENGTH = SERVICE_OFFSET + 4;

    private static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private KvRequest() {}

    public static long id(MemorySegment s, long payload) { return s.get(U64, payload + ID_OFFSET); }
    public static int type(MemorySegment s, long payload) { return Bytes.u8(s, payload + TYPE_OFFSET); }
    public static int key(MemorySegment s, long payload) { return Bytes.i32(s, payload + KEY_OFFSET); }
    public static int user(MemorySegment s, long payload) { return Bytes.i32(s, payload + USER_OFFSET); }

    /** Service nanoseconds asked for, unsigned (up to 4.29 s). */
    public static long serviceNanos(MemorySegment s, long payload) { return Bytes.u32L(s, payload + SERVICE_OFFSET); }

    /** Writes a whole request; {@code serviceNanos} is clamped to the u32 range. */
    public static void write(MemorySegment s, long payload, long id, int type, int key, int user, long serviceNanos) {
        s.set(U64, payload + ID_OFFSET, id);
        Bytes.u8(s, payload + TYPE_OFFSET, type);
        Bytes.i32(s, payload + KEY_OFFSET, key);
        Bytes.i32(s, payload + USER_OFFSET, user);
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
