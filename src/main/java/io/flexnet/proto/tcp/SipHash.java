package io.flexnet.proto.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash, fast on short inputs and not
 * invertible without the key, which is what RFC 6528 asks of the function behind initial sequence
 * numbers and what SYN cookies need. Two forms: over a byte array (checked against the paper's
 * vectors) and over whole 64-bit words held in registers, for the per-SYN paths that must not
 * allocate. Words are the message's bytes read little-endian, so both forms agree.
 */
final class SipHash {
    private SipHash() {}

    private static final long C0 = 0x736f6d6570736575L, C1 = 0x646f72616e646f6dL;
    private static final long C2 = 0x6c7967656e657261L, C3 = 0x7465646279746573L;

    /** SipHash-2-4 of {@code message} under the key whose little-endian halves are k0 and k1. */
    static long hash(long k0, long k1, byte[] message) {
        long v0 = k0 ^ C0, v1 = k1 ^ C1, v2 = k0 ^ C2, v3 = k1 ^ C3;
        final int len = message.length;
        final int whole = len & ~7;
        for (int i = 0; i < whole; i += 8) {
            long m = littleEndian(message, i, 8);
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        long last = ((long) len << 56) | littleEndian(message, whole, len - whole);
        return finish(v0, v1, v2, v3, last);
    }

    /** SipHash-2-4 of the 16 bytes whose little-endian words are m0, m1. */
    static long hash(long k0, long k1, long m0, long m1) {
        return words(k0, k1, m0, m1, 0, 2);
    }

    /** SipHash-2-4 of the 24 bytes whose little-endian words are m0, m1, m2. */
    static long hash(long k0, long k1, long m0, long m1, long m2) {
        return words(k0, k1, m0, m1, m2, 3);
    }

    private static long words(long k0, long k1, long m0, long m1, long m2, int n) {
        long v0 = k0 ^ C0, v1 = k1 ^ C1, v2 = k0 ^ C2, v3 = k1 ^ C3;
        for (int i = 0; i < n; i++) {
            long m = i == 0 ? m0 : i == 1 ? m1 : m2;
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        return finish(v0, v1, v2, v3, (long) (8 * n) << 56);
    }

    /** The final block (length in the top byte), then four finalisation rounds. */
    private static long finish(long v0, long v1, long v2, long v3, long b) {
        v3 ^= b;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long littleEndian(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }
}
