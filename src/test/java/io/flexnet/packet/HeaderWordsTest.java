package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The word helpers the per-packet paths use agree with the field accessors, on a real capture. */
class HeaderWordsTest {
    /**
     * IPv4 and UDP headers of a real DNS query (gopacket's testPacketDNSRegression), as tshark reads
     * them: id 0x89c4, TTL 56, UDP, checksum 0x2f3d, 109.194.160.4 → 95.211.92.14; UDP 57766 → 53,
     * length 48, checksum 0xa597.
     */
    private static final byte[] IP_UDP = bytes("4500004489c4000038112f3d6dc2a0045fd35c0e" + "e1a600350030a597");

    @Test
    void ipv4WordsUnpackEveryFieldOfTheFixedHeader() {
        MemorySegment s = MemorySegment.ofArray(IP_UDP);
        long w0 = Bytes.u64(s, 0), w1 = Bytes.u64(s, 8);
        assertEquals(0x45, Ipv4Header.versionIhl(w0));
        assertEquals(Ipv4Header.tos(s, 0), Ipv4Header.tos(w0));
        assertEquals(68, Ipv4Header.totalLength(w0));
        assertEquals(0x89C4, Ipv4Header.identification(w0));
        assertFalse(Ipv4Header.isFragment(w0));
        assertEquals(56, Ipv4Header.ttl(w1));
        assertEquals(Ipv4Header.PROTO_UDP, Ipv4Header.protocol(w1));
        assertEquals(Ip4.parse("109.194.160.4"), Ipv4Header.src(w1));
    }

    @Test
    void ipv4WordsBuildTheSameHeaderAsTheCapture() {
        MemorySegment s = MemorySegment.ofArray(IP_UDP);
        assertEquals(Bytes.u64(s, 0), Ipv4Header.word0(0, 68, 0x89C4, 0));
        assertEquals(Bytes.u64(s, 8), Ipv4Header.word1(56, Ipv4Header.PROTO_UDP, 0x2F3D, Ip4.parse("109.194.160.4")));
    }

    @Test
    void fragmentBitsAreSeenInWordZero() {
        assertTrue(Ipv4Header.isFragment(Ipv4Header.word0(0, 68, 1, Ipv4Header.FLAG_MF)));
        assertTrue(Ipv4Header.isFragment(Ipv4Header.word0(0, 68, 1, 1)));
        assertFalse(Ipv4Header.isFragment(Ipv4Header.word0(0, 68, 1, Ipv4Header.FLAG_DF)));
    }

    @Test
    void udpWordIsTheWholeHeader() {
        MemorySegment s = MemorySegment.ofArray(IP_UDP);
        long h = Bytes.u64(s, 20);
        assertEquals(57766, UdpHeader.srcPort(h));
        assertEquals(53, UdpHeader.dstPort(h));
        assertEquals(48, UdpHeader.length(h));
        assertEquals(0xA597, UdpHeader.checksum(h));
        assertEquals(h, UdpHeader.word(57766, 53, 48, 0xA597));
    }

    private static byte[] bytes(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return b;
    }
}
