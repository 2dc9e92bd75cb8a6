package io.flexnet.policy;

import io.flexnet.packet.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * The one definition of the request header that payload-reading policies ({@link Sita},
 * {@link TokenBased}) parse and the load generator writes: the first {@value #LENGTH} bytes of a UDP
 * payload, all fields big-endian (network order), packed with no padding.
 *
 * <pre>
 *  offset  size  field
 *   0       8    request id   (u64, chosen by the client, echoed in the reply)
 *   8       1    type         (u8: 1 GET, 2 SCAN, 3 PUT)
 *   9       4    key          (u32)
 *  13       4    user id      (u32, the token-based policy's account)
 *  17            application data, if any
 * </pre>
 */
public final class RequestHeader {
    public static final int REQUEST_ID = 0;
    public static final int TYPE = 8;
    public static final int KEY = 9;
    public static final int USER = 13;
    public static final int LENGTH = 17;

    public static final int GET = 1;
    public static final int SCAN = 2;
    public static final int PUT = 3;

    private RequestHeader() {}

    /** Writes a header at {@code off} of {@code s}; {@code LENGTH} bytes. */
    public static void write(MemorySegment s, long off, long requestId, int type, int key, int user) {
        Bytes.i32(s, off + REQUEST_ID, (int) (requestId >>> 32));
        Bytes.i32(s, off + REQUEST_ID + 4, (int) requestId);
        Bytes.u8(s, off + TYPE, type);
        Bytes.i32(s, off + KEY, key);
        Bytes.i32(s, off + USER, user);
    }

    /** Writes a header into {@code b} at {@code off}. */
    public static void write(byte[] b, int off, long requestId, int type, int key, int user) {
        write(MemorySegment.ofArray(b), off, requestId, type, key, user);
    }

    public static long requestId(MemorySegment s, long off) {
        return (Bytes.u32L(s, off + REQUEST_ID) << 32) | Bytes.u32L(s, off + REQUEST_ID + 4);
    }

    public static int type(MemorySegment s, long off) { return Bytes.u8(s, off + TYPE); }

    public static int key(MemorySegment s, long off) { return Bytes.i32(s, off + KEY); }

    public static int user(MemorySegment s, long off) { return Bytes.i32(s, off + USER); }
}
