package io.flexnet.proto.tcp;

/**
 * SYN cookies, for when a listener's SYN backlog is full: the server's ISN encodes a coarse time
 * counter and an index into a table of MSS values, keyed by a secret hash of the four-tuple and the
 * client's ISN, so the final ACK of the handshake carries everything needed to make the connection and
 * nothing is stored per SYN. The shape of Linux's {@code cookie_v4_init_sequence}: the counter
 * advances every 64 s and a cookie is valid for two counter values.
 */
public final class SynCookies {
    /** The MSS values a cookie can carry (its index is 2 bits). */
    public static final int[] MSS_TABLE = {536, 1300, 1440, 1460};

    /** With a secret from a {@link java.security.SecureRandom}. */
    public SynCookies() { throw new UnsupportedOperationException("not built yet"); }

    /** With a given secret (tests). */
    public SynCookies(long k0, long k1) { throw new UnsupportedOperationException("not built yet"); }

    /** The largest table MSS not above {@code mss}, as its index. */
    public static int mssIndex(int mss) { throw new UnsupportedOperationException(); }

    /** The cookie to send as our ISN in the SYN-ACK for a SYN with sequence {@code clientIsn}. */
    public int cookie(int localIp, int localPort, int remoteIp, int remotePort, int clientIsn, int mss, long now) {
        throw new UnsupportedOperationException();
    }

    /**
     * Checks the ACK completing a cookie handshake ({@code ack - 1} is the cookie, {@code seq - 1} the
     * client's ISN); returns the MSS the cookie carries, or -1 when it is not a valid, fresh cookie.
     */
    public int check(int localIp, int localPort, int remoteIp, int remotePort, int seq, int ack, long now) {
        throw new UnsupportedOperationException();
    }
}
