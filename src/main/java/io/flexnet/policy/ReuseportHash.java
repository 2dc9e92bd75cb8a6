// Linux's own choice among SO_REUSEPORT UDP sockets: jhash of the four-tuple with a secret drawn at boot.
package io.flexnet.policy;

/**
 * The socket Linux picks in a SO_REUSEPORT group for a UDP datagram: {@code udp_ehashfn} —
 * Jenkins' {@code jhash_3words(laddr, faddr, lport << 16 | fport, secret)} — scaled onto the group
 * ({@code reciprocal_scale}). The secret is random per boot, so which flows share a socket changes
 * from one boot to the next; with few flows, how unevenly they fall depends on it (Syrup's Figures 2
 * and 6 measured one boot). Addresses and the remote port go in as x86 holds them (network order in
 * a little-endian word), as the kernel's {@code __be32}/{@code __be16} arguments are.
 *
 * <p>{@link FiveTupleHash} uses the NIC's RSS hash instead: fixed, so every run spreads the flows
 * the same way.
 */
public final class ReuseportHash implements MatchingPolicy {
    private static final int JHASH_INITVAL = 0xDEADBEEF;
    private final int secret;

    /** {@code secret}: the boot's {@code udp_ehash_secret} (plus the namespace's mix). */
    public ReuseportHash(int secret) { this.secret = secret; }

    @Override
    public int schedule(PolicyInput in) {
        int n = in.choices();
        if (n <= 0) return PASS;
        int h = hash(in.dstIp(), in.dstPort(), in.srcIp(), in.srcPort(), secret);
        return MatchingPolicy.scale(h, n);
    }

    /** {@code udp_ehashfn} for local {@code laddr:lport} and remote {@code faddr:fport} (host order). */
    public static int hash(int laddr, int lport, int faddr, int fport, int secret) {
        return jhash3(Integer.reverseBytes(laddr), Integer.reverseBytes(faddr),
                lport << 16 | Short.toUnsignedInt(Short.reverseBytes((short) fport)), secret);
    }

    /** Jenkins' {@code jhash_3words}: three words and an initial value, lookup3's final mix. */
    static int jhash3(int a, int b, int c, int initval) {
        int iv = initval + JHASH_INITVAL + (3 << 2);
        a += iv;
        b += iv;
        c += iv;
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }
}
