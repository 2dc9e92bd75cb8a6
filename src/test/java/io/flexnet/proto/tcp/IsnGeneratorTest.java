package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IsnGeneratorTest {
    /** The key 00 01 .. 0f of the SipHash paper's vectors, as little-endian halves. */
    private static final long K0 = 0x0706050403020100L, K1 = 0x0f0e0d0c0b0a0908L;

    /**
     * SipHash-2-4 with key 00..0f over the messages (), (00), (00 01), ... (00 .. 3e): the 64 vectors
     * of the reference implementation (vectors.h, vectors_sip64), as 64-bit little-endian values.
     */
    private static final long[] VECTORS = {
        0x726fdb47dd0e0e31L, 0x74f839c593dc67fdL, 0x0d6c8009d9a94f5aL, 0x85676696d7fb7e2dL,
        0xcf2794e0277187b7L, 0x18765564cd99a68dL, 0xcbc9466e58fee3ceL, 0xab0200f58b01d137L,
        0x93f5f5799a932462L, 0x9e0082df0ba9e4b0L, 0x7a5dbbc594ddb9f3L, 0xf4b32f46226bada7L,
        0x751e8fbc860ee5fbL, 0x14ea5627c0843d90L, 0xf723ca908e7af2eeL, 0xa129ca6149be45e5L,
        0x3f2acc7f57c29bdbL, 0x699ae9f52cbe4794L, 0x4bc1b3f0968dd39cL, 0xbb6dc91da77961bdL,
        0xbed65cf21aa2ee98L, 0xd0f2cbb02e3b67c7L, 0x93536795e3a33e88L, 0xa80c038ccd5ccec8L,
        0xb8ad50c6f649af94L, 0xbce192de8a85b8eaL, 0x17d835b85bbb15f3L, 0x2f2e6163076bcfadL,
        0xde4daaaca71dc9a5L, 0xa6a2506687956571L, 0xad87a3535c49ef28L, 0x32d892fad841c342L,
        0x7127512f72f27cceL, 0xa7f32346f95978e3L, 0x12e0b01abb051238L, 0x15e034d40fa197aeL,
        0x314dffbe0815a3b4L, 0x027990f029623981L, 0xcadcd4e59ef40c4dL, 0x9abfd8766a33735cL,
        0x0e3ea96b5304a7d0L, 0xad0c42d6fc585992L, 0x187306c89bc215a9L, 0xd4a60abcf3792b95L,
        0xf935451de4f21df2L, 0xa9538f0419755787L, 0xdb9acddff56ca510L, 0xd06c98cd5c0975ebL,
        0xe612a3cb9ecba951L, 0xc766e62cfcadaf96L, 0xee64435a9752fe72L, 0xa192d576b245165aL,
        0x0a8787bf8ecb74b2L, 0x81b3e73d20b49b6fL, 0x7fa8220ba3b2eceaL, 0x245731c13ca42499L,
        0xb78dbfaf3a8d83bdL, 0xea1ad565322a1a0bL, 0x60e61c23a3795013L, 0x6606d7e446282b93L,
        0x6ca4ecb15c5f91e1L, 0x9f626da15c9625f3L, 0xe51b38608ef25f57L, 0x958a324ceb064572L,
    };

    private static byte[] message(int n) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) m[i] = (byte) i;
        return m;
    }

    @Test
    void sipHashMatchesTheReferenceVectors() {
        assertEquals(64, VECTORS.length);
        for (int n = 0; n < 64; n++) {
            assertEquals(VECTORS[n], IsnGenerator.sipHash24(K0, K1, message(n)), "message of " + n + " bytes");
        }
    }

    @Test
    void theWordFormAgreesWithTheByteForm() {
        // 16 and 24 bytes 00 01 .. as little-endian words
        long w0 = 0x0706050403020100L, w1 = 0x0f0e0d0c0b0a0908L, w2 = 0x1716151413121110L;
        assertEquals(VECTORS[16], SipHash.hash(K0, K1, w0, w1));
        assertEquals(VECTORS[24], SipHash.hash(K0, K1, w0, w1, w2));
    }

    @Test
    void isnAdvancesWithTheFourMicrosecondClock() {
        IsnGenerator g = new IsnGenerator(1, 2);
        int ip1 = 0xC6120001, ip2 = 0xC6120002;
        int a = g.isn(ip1, 80, ip2, 40000, 1_000_000_000L);
        assertEquals(a, g.isn(ip1, 80, ip2, 40000, 1_000_000_000L + 3_999));      // same 4 µs tick
        assertEquals(a + 1, g.isn(ip1, 80, ip2, 40000, 1_000_000_000L + 4_000));
        assertEquals(a + 250_000, g.isn(ip1, 80, ip2, 40000, 2_000_000_000L));   // one second: 250,000 ticks
    }

    @Test
    void differentFourTuplesGetUnrelatedIsns() {
        IsnGenerator g = new IsnGenerator(0x1234, 0x5678);
        int ip1 = 0xC6120001, ip2 = 0xC6120002;
        int base = g.isn(ip1, 80, ip2, 40000, 0);
        assertNotEquals(base, g.isn(ip1, 80, ip2, 40001, 0));
        assertNotEquals(base, g.isn(ip1, 81, ip2, 40000, 0));
        assertNotEquals(base, g.isn(ip1, 80, ip2 + 1, 40000, 0));
        assertNotEquals(base, g.isn(ip2, 40000, ip1, 80, 0));           // the reverse direction too
        // Consecutive ports are not consecutive ISNs: no offset can be learned from a neighbour.
        Set<Integer> seen = new HashSet<>();
        int close = 0;
        for (int port = 1024; port < 11024; port++) {
            int isn = g.isn(ip1, 80, ip2, port, 0);
            seen.add(isn);
            if (Math.abs(isn - g.isn(ip1, 80, ip2, port + 1, 0)) < 1_000_000) close++;
        }
        assertTrue(seen.size() > 9_990, "collisions: " + (10_000 - seen.size()));
        assertTrue(close < 20, close + " neighbours within 10^6");   // expected about 10,000 * 2e6/2^32 = 4.7
        // Another secret gives other ISNs for the same tuple.
        assertNotEquals(base, new IsnGenerator(0x1235, 0x5678).isn(ip1, 80, ip2, 40000, 0));
    }
}
