package io.flexnet.app;

/**
 * The generated bodies the HTTP server sends: byte {@code i} of every body is {@link #byteAt(long)
 * byteAt(i)}, a function of the offset that does not repeat with any short period, so a client can
 * check a received body byte for byte (a lost, doubled or reordered segment shows) without the server
 * holding it.
 */
public final class Bodies {
    private Bodies() {}

    /** Byte {@code i} of a generated body. */
    public static byte byteAt(long i) {
        return (byte) (i ^ (i >>> 8) * 31 ^ (i >>> 16) * 131 ^ (i >>> 24) * 251 ^ (i >>> 32) * 17);
    }

    /** Writes body bytes {@code [from, from+len)} into {@code dst[off, off+len)}. */
    public static void fill(byte[] dst, int off, int len, long from) {
        for (int k = 0; k < len; k++) dst[off + k] = byteAt(from + k);
    }
}
