package io.flexnet.proto.tcp;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): sequence numbers are {@code int}s whose
 * order is that of their signed difference, so comparisons hold across the wrap as long as the two
 * numbers are less than 2^31 apart, which the window sizes guarantee.
 */
public final class Seq {
    private Seq() {}

    /** {@code a < b} modulo 2^32. */
    public static boolean lt(int a, int b) { return a - b < 0; }
    /** {@code a <= b} modulo 2^32. */
    public static boolean le(int a, int b) { return a - b <= 0; }
    /** {@code a > b} modulo 2^32. */
    public static boolean gt(int a, int b) { return a - b > 0; }
    /** {@code a >= b} modulo 2^32. */
    public static boolean ge(int a, int b) { return a - b >= 0; }
    /** {@code lo <= x < hi} modulo 2^32 (an empty range when {@code lo == hi}). */
    public static boolean inRange(int lo, int x, int hi) { return x - lo >= 0 && x - hi < 0; }
    /** The later of two sequence numbers. */
    public static int max(int a, int b) { return a - b >= 0 ? a : b; }
    /** The earlier of two sequence numbers. */
    public static int min(int a, int b) { return a - b <= 0 ? a : b; }
    /** A sequence number as the unsigned value the header carries. */
    public static long unsigned(int s) { return s & 0xFFFF_FFFFL; }
}
