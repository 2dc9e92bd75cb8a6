package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** UDP view and checksum on a real DNS query. */
class UdpHeaderTest {
    private static final int SRC = Ip4.parse("109.194.160.4");
    private static final int DST = Ip4.parse("95.211.92.14");

    @Test
    void readsRealDnsQuery() {
        // tshark: Src Port 57766, Dst Port 53, Length 48, Checksum 0xa597 [correct].
        UdpHeader udp = new UdpHeader().wrap(Hex.segment(Frames.DNS), 34);
        assertEquals(57766, udp.srcPort());
        assertEquals(53, udp.dstPort());
        assertEquals(48, udp.length());
        assertEquals(0xA597, udp.checksum());
        assertEquals(42, udp.payloadOffset());
        assertEquals(0xF618, Bytes.u16(udp.segment(), udp.payloadOffset()));  // DNS transaction id
        assertTrue(udp.checksumOk(SRC, DST));
    }

    @Test
    void detectsACorruptedPayloadOrWrongPseudoHeader() {
        MemorySegment f = Hex.segment(Frames.DNS);
        assertFalse(UdpHeader.checksumOk(f, 34, SRC, DST + 1));
        Bytes.u8(f, 60, Bytes.u8(f, 60) ^ 0x20);  // 'p' → 'P' in the query name
        assertFalse(UdpHeader.checksumOk(f, 34, SRC, DST));
    }

    @Test
    void zeroChecksumMeansNone() {
        MemorySegment f = Hex.segment(Frames.DNS);
        UdpHeader.checksum(f, 34, 0);
        Bytes.u8(f, 60, 0);
        assertTrue(UdpHeader.checksumOk(f, 34, SRC, DST));
    }

    @Test
    void fillChecksumReproducesTheCapturedValue() {
        MemorySegment f = Hex.segment(Frames.DNS);
        UdpHeader.checksum(f, 34, 0x1234);
        UdpHeader.fillChecksum(f, 34, SRC, DST);
        assertEquals(0xA597, UdpHeader.checksum(f, 34));
    }

    @Test
    void sendsAComputedZeroAsAllOnes() {
        // Header only, chosen so that everything sums to 0xFFFF: the computed checksum is 0, which
        // RFC 768 transmits as 0xFFFF (0 would mean "no checksum").
        MemorySegment s = MemorySegment.ofArray(new byte[8]);
        long pseudo = Checksum.pseudoHeader(0, 0, Ipv4Header.PROTO_UDP, 8);  // 17 + 8 = 0x19
        UdpHeader.length(s, 0, 8);
        UdpHeader.srcPort(s, 0, 0xFFFF - (int) pseudo - 8);
        UdpHeader.fillChecksum(s, 0, 0, 0);
        assertEquals(0xFFFF, UdpHeader.checksum(s, 0));
        assertTrue(UdpHeader.checksumOk(s, 0, 0, 0));
    }
}
