package io.flexnet.proto.tcp;

import java.security.SecureRandom;

/**
 * RFC 6528 initial sequence numbers: ISN = M + F(local address, local port, remote address, remote
 * port, secret), where M is a 4-microsecond clock and F a keyed hash (SipHash-2-4 with a 128-bit
 * secret chosen at start), so a connection's ISN cannot be guessed from another's and a reused
 * four-tuple starts above where its last incarnation left off.
 *
 * <p>Immutable after construction, so any worker may call it.
 */
public final class IsnGenerator {
    /** M ticks once per 4 µs (RFC 6528 §3, as RFC 793 had it). */
    static final long TICK_NANOS = 4_000L;

    private final long k0;
    private final long k1;

    /** With a secret from a {@link java.security.SecureRandom}. */
    public IsnGenerator() {
        SecureRandom r = new SecureRandom();
        this.k0 = r.nextLong();
        this.k1 = r.nextLong();
    }

    /** With a given secret (tests). */
    public IsnGenerator(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The ISN for a connection opened at {@code now} (nanoseconds of the stack's clock). */
    public int isn(int localIp, int localPort, int remoteIp, int remotePort, long now) {
        long f = SipHash.hash(k0, k1, tuple(localIp, remoteIp), ports(localPort, remotePort));
        return (int) (Math.floorDiv(now, TICK_NANOS) + f);
    }

    /** SipHash-2-4 of four 32-bit words (also used by {@link SynCookies}); exposed for its test vectors. */
    public static long sipHash24(long k0, long k1, byte[] message) {
        return SipHash.hash(k0, k1, message);
    }

    /** The two addresses as one little-endian word of the hash's message. */
    static long tuple(int localIp, int remoteIp) {
        return (localIp & 0xFFFF_FFFFL) | (long) remoteIp << 32;
    }

    /** The two ports as the low half of a word (the high half is free for a caller's own input). */
    static long ports(int localPort, int remotePort) {
        return (localPort & 0xFFFFL) | (remotePort & 0xFFFFL) << 16;
    }
}
