package io.flexnet.proto.tcp;

import java.security.SecureRandom;

/**
 * SYN cookies, for when a listener's SYN backlog is full: the server's ISN encodes a coarse time
 * counter and an index into a table of MSS values, keyed by a secret hash of the four-tuple and the
 * client's ISN, so the final ACK of the handshake carries everything needed to make the connection and
 * nothing is stored per SYN. The shape of Linux's {@code cookie_v4_init_sequence}: the counter
 * advances every 64 s and a cookie is valid for two counter values.
 *
 * <p>The layout, as Linux's {@code secure_tcp_syn_cookie}: cookie = H1(tuple) + clientIsn +
 * (count &lt;&lt; 24) + ((H2(tuple, count, clientIsn) + mssIndex) mod 2^24). The top byte
 * recovers the counter, H2 of that counter recovers the index, and an index outside the table means
 * a forgery (about one chance in four million, times the two fresh counter values). Unlike Linux,
 * the client's ISN also goes into H2, so an ACK whose sequence number does not match fails as well.
 *
 * <p>Immutable after construction, so any worker may call it.
 */
public final class SynCookies {
    /** The MSS values a cookie can carry (its index is 2 bits). */
    public static final int[] MSS_TABLE = {536, 1300, 1440, 1460};

    /** The counter's period: 64 s, as Linux. */
    static final long PERIOD_NANOS = 64_000_000_000L;
    private static final int LOW_BITS = 24;
    private static final int LOW_MASK = (1 << LOW_BITS) - 1;
    /** Marks H1's message apart from H2's. */
    private static final long H1_DOMAIN = 1L << 63;

    private final long k0;
    private final long k1;

    /** With a secret from a {@link java.security.SecureRandom}. */
    public SynCookies() {
        SecureRandom r = new SecureRandom();
        this.k0 = r.nextLong();
        this.k1 = r.nextLong();
    }

    /** With a given secret (tests). */
    public SynCookies(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The largest table MSS not above {@code mss}, as its index (0 for anything below the smallest). */
    public static int mssIndex(int mss) {
        for (int i = MSS_TABLE.length - 1; i > 0; i--) if (mss >= MSS_TABLE[i]) return i;
        return 0;
    }

    /** The cookie to send as our ISN in the SYN-ACK for a SYN with sequence {@code clientIsn}. */
    public int cookie(int localIp, int localPort, int remoteIp, int remotePort, int clientIsn, int mss, long now) {
        long count = counter(now);
        long t = IsnGenerator.tuple(localIp, remoteIp), p = IsnGenerator.ports(localPort, remotePort);
        int h1 = (int) SipHash.hash(k0, k1, t, p | H1_DOMAIN);
        int h2 = (int) SipHash.hash(k0, k1, t, p | count << 32, clientIsn & 0xFFFF_FFFFL);
        return h1 + clientIsn + (int) (count << LOW_BITS) + ((h2 + mssIndex(mss)) & LOW_MASK);
    }

    /**
     * Checks the ACK completing a cookie handshake ({@code ack - 1} is the cookie, {@code seq - 1} the
     * client's ISN); returns the MSS the cookie carries, or -1 when it is not a valid, fresh cookie.
     */
    public int check(int localIp, int localPort, int remoteIp, int remotePort, int seq, int ack, long now) {
        int clientIsn = seq - 1;
        long t = IsnGenerator.tuple(localIp, remoteIp), p = IsnGenerator.ports(localPort, remotePort);
        int h1 = (int) SipHash.hash(k0, k1, t, p | H1_DOMAIN);
        int rest = (ack - 1) - h1 - clientIsn;
        long current = counter(now);
        long age = (current - (rest >>> LOW_BITS)) & 0xFF;
        if (age >= 2) return -1;                       // made more than one counter period ago
        long count = current - age;
        if (count < 0) return -1;
        int h2 = (int) SipHash.hash(k0, k1, t, p | count << 32, clientIsn & 0xFFFF_FFFFL);
        int index = ((rest & LOW_MASK) - h2) & LOW_MASK;
        return index < MSS_TABLE.length ? MSS_TABLE[index] : -1;
    }

    /** The counter at {@code now}, kept to 31 bits so it fits the hash word beside the ports. */
    private static long counter(long now) {
        return Math.floorDiv(now, PERIOD_NANOS) & 0x7FFF_FFFFL;
    }
}
