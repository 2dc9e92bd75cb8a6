package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The Internet checksum against RFC 1071's and RFC 1624's worked examples and real frames. */
class ChecksumTest {

    @Test
    void sumsRfc1071NumericalExample() {
        // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (one's complement), so the
        // checksum field would be ~ddf2 = 220d.
        MemorySegment s = Hex.segment("0001f203f4f5f6f7");
        assertEquals(0xDDF2, Checksum.fold(Checksum.sum(s, 0, 8, 0)));
        assertEquals(0x220D, Checksum.compute(s, 0, 8));
    }

    @Test
    void sumIsByteOrderIndependentAsRfc1071Says() {
        // RFC 1071 section 2(B): swapping the bytes of every word swaps the bytes of the sum.
        MemorySegment swapped = Hex.segment("0100 03f2 f5f4 f7f6");
        assertEquals(0xF2DD, Checksum.fold(Checksum.sum(swapped, 0, 8, 0)));
    }

    @Test
    void padsAnOddTrailingByteWithZero() {
        // 7 bytes 00 01 f2 03 f4 f5 f6 are the words 0001 f203 f4f5 f600.
        long expected = 0x0001 + 0xF203 + 0xF4F5 + 0xF600;
        assertEquals(Checksum.fold(expected), Checksum.fold(Checksum.sum(Hex.segment("0001f203f4f5f6"), 0, 7, 0)));
        assertEquals(Checksum.compute(Hex.segment("0001f203f4f5f600"), 0, 8), Checksum.compute(Hex.segment("0001f203f4f5f6"), 0, 7));
    }

    @Test
    void longRunsMatchWordByWordSums() {
        byte[] b = new byte[1501];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31 + 7);
        long words = 0;
        for (int i = 0; i + 1 < b.length; i += 2) words += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        words += (b[b.length - 1] & 0xFF) << 8;
        MemorySegment s = MemorySegment.ofArray(b);
        for (int off = 0; off < 3; off++) {  // also at unaligned starts
            assertEquals(Checksum.fold(sumWords(b, off, b.length - off)),
                    Checksum.fold(Checksum.sum(s, off, b.length - off, 0)), "offset " + off);
        }
        assertEquals(Checksum.fold(words), Checksum.fold(Checksum.sum(s, 0, b.length, 0)));
    }

    @Test
    void everyLengthAndStartMatchesWordByWordSums() {
        // Every branch of the sum: each count of leftover words, 4/2/1-byte tails, blocks, long runs.
        byte[] b = new byte[700];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 131 + 17);
        MemorySegment s = MemorySegment.ofArray(b);
        for (int off = 0; off < 4; off++) {
            for (int len = 0; len + off <= 690; len++) {
                assertEquals(Checksum.fold(sumWords(b, off, len)), Checksum.fold(Checksum.sum(s, off, len, 0)),
                        "offset " + off + " length " + len);
            }
        }
    }

    private static long sumWords(byte[] b, int off, int len) {
        long acc = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) acc += ((b[off + i] & 0xFF) << 8) | (b[off + i + 1] & 0xFF);
        if (i < len) acc += (b[off + i] & 0xFF) << 8;
        return acc;
    }

    @Test
    void updatesIncrementallyAsRfc1624Example() {
        // RFC 1624 section 4: the other header words sum to 0xCD7A and a field m = 0x5555 becomes
        // 0x3285. HC = ~(0xCD7A + 0x5555) = 0xDD2F. Eqn. 3 gives HC' = 0x0000, the same as
        // recomputing, where RFC 1141's eqn. 2 gives 0xFFFF (-0).
        MemorySegment before = Hex.segment("cd7a5555");
        assertEquals(0xDD2F, Checksum.compute(before, 0, 4));
        MemorySegment after = Hex.segment("cd7a3285");
        assertEquals(0x0000, Checksum.compute(after, 0, 4));
        assertEquals(0x0000, Checksum.update16(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void incrementalTtlDecrementMatchesRecomputationOnRealHeader() {
        // RFC 1624's motivating case: a router decrements TTL. Real DNS frame: TTL 56, protocol 17.
        MemorySegment f = Hex.segment(Frames.DNS);
        long ip = 14;
        int old = Ipv4Header.checksum(f, ip);
        assertEquals(0x2F3D, old);
        int oldWord = Bytes.u16(f, ip + Ipv4Header.TTL_OFFSET);
        Ipv4Header.ttl(f, ip, Ipv4Header.ttl(f, ip) - 1);
        int incremental = Checksum.update16(old, oldWord, Bytes.u16(f, ip + Ipv4Header.TTL_OFFSET));
        Ipv4Header.fillChecksum(f, ip);
        assertEquals(Ipv4Header.checksum(f, ip), incremental);
        assertTrue(Ipv4Header.checksumOk(f, ip));
    }

    @Test
    void incrementalAddressRewriteMatchesRecomputation() {
        // A NAT-style rewrite of the destination address: the IPv4 header checksum and the UDP
        // checksum (which covers the address through the pseudo-header) both update with update32.
        MemorySegment f = Hex.segment(Frames.DNS);
        long ip = 14, udp = 34;
        int oldDst = Ipv4Header.dst(f, ip);
        int newDst = Ip4.parse("198.18.0.2");
        int ipIncr = Checksum.update32(Ipv4Header.checksum(f, ip), oldDst, newDst);
        int udpIncr = Checksum.update32(UdpHeader.checksum(f, udp), oldDst, newDst);
        Ipv4Header.dst(f, ip, newDst);
        Ipv4Header.fillChecksum(f, ip);
        UdpHeader.fillChecksum(f, udp, Ipv4Header.src(f, ip), newDst);
        assertEquals(Ipv4Header.checksum(f, ip), ipIncr);
        assertEquals(UdpHeader.checksum(f, udp), udpIncr);
    }

    @Test
    void computesTransportChecksumsOfRealFrames() {
        MemorySegment dns = Hex.segment(Frames.DNS);
        int src = Ipv4Header.src(dns, 14), dst = Ipv4Header.dst(dns, 14);
        UdpHeader.checksum(dns, 34, 0);
        assertEquals(0xA597, Checksum.transport(dns, 34, 48, src, dst, Ipv4Header.PROTO_UDP));

        MemorySegment rst = Hex.segment(Frames.TCP_RST_PADDED);
        TcpHeader.checksum(rst, 34, 0);
        assertEquals(0xC308, Checksum.transport(rst, 34, 20, Ipv4Header.src(rst, 14), Ipv4Header.dst(rst, 14),
                Ipv4Header.PROTO_TCP));
    }
}
