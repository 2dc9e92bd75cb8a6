package io.flexnet.proto.tcp;

/**
 * RFC 6528 initial sequence numbers: ISN = M + F(local address, local port, remote address, remote
 * port, secret), where M is a 4-microsecond clock and F a keyed hash (SipHash-2-4 with a 128-bit
 * secret chosen at start), so a connection's ISN cannot be guessed from another's and a reused
 * four-tuple starts above where its last incarnation left off.
 */
public final class IsnGenerator {
    /** With a secret from a {@link java.security.SecureRandom}. */
    public IsnGenerator() { throw new UnsupportedOperationException("not built yet"); }

    /** With a given secret (tests). */
    public IsnGenerator(long k0, long k1) { throw new UnsupportedOperationException("not built yet"); }

    /** The ISN for a connection opened at {@code now} (nanoseconds of the stack's clock). */
    public int isn(int localIp, int localPort, int remoteIp, int remotePort, long now) {
        throw new UnsupportedOperationException();
    }

    /** SipHash-2-4 of four 32-bit words (also used by {@link SynCookies}); exposed for its test vectors. */
    public static long sipHash24(long k0, long k1, byte[] message) { throw new UnsupportedOperationException(); }
}
