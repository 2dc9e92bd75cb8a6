package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** IPv4 view on real frames, options and fragments. */
class Ipv4HeaderTest {

    @Test
    void readsAllFieldsOfRealDnsFrame() {
        // tshark: header length 20, total length 68, id 0x89c4, flags 0, TTL 56, UDP,
        // checksum 0x2f3d [correct], 109.194.160.4 → 95.211.92.14.
        Ipv4Header ip = new Ipv4Header().wrap(Hex.segment(Frames.DNS), 14);
        assertEquals(4, ip.version());
        assertEquals(5, ip.ihl());
        assertEquals(20, ip.headerLength());
        assertEquals(0, ip.tos());
        assertEquals(68, ip.totalLength());
        assertEquals(0x89C4, ip.identification());
        assertFalse(ip.dontFragment());
        assertFalse(ip.isFragment());
        assertEquals(56, ip.ttl());
        assertEquals(Ipv4Header.PROTO_UDP, ip.protocol());
        assertEquals(0x2F3D, ip.checksum());
        assertEquals(Ip4.parse("109.194.160.4"), ip.src());
        assertEquals(Ip4.parse("95.211.92.14"), ip.dst());
        assertEquals(0, ip.optionsLength());
        assertTrue(ip.checksumOk());
    }

    @Test
    void readsDontFragmentOfRealTcpFrame() {
        Ipv4Header ip = new Ipv4Header().wrap(Hex.segment(Frames.TCP_RST_PADDED), 14);
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertFalse(ip.isFragment());
        assertEquals(40, ip.totalLength());
        assertTrue(ip.checksumOk());
    }

    @Test
    void recomputesTheChecksumOfRealFrames() {
        for (String[] frame : new String[][] {Frames.DNS, Frames.TCP_RST_PADDED, Frames.PING, Frames.TCP_SYN}) {
            MemorySegment f = Hex.segment(frame);
            int want = Ipv4Header.checksum(f, 14);
            Ipv4Header.fillChecksum(f, 14);
            assertEquals(want, Ipv4Header.checksum(f, 14));
        }
        MemorySegment f = Hex.segment(Frames.DNS);
        Ipv4Header.checksum(f, 14, 0x2F3E);
        assertFalse(Ipv4Header.checksumOk(f, 14));
    }

    @Test
    void coversOptionsThroughIhl() {
        // IHL 6: a Router Alert option (RFC 2113: 94 04 00 00) after the fixed header.
        MemorySegment s = MemorySegment.ofArray(new byte[24]);
        Ipv4Header ip = new Ipv4Header().wrap(s, 0);
        ip.versionIhl(4, 6).totalLength(24).ttl(1).protocol(2).src(Ip4.parse("198.18.0.1")).dst(Ip4.parse("224.0.0.22"));
        Bytes.i32(s, 20, 0x9404_0000);
        ip.fillChecksum();
        assertEquals(24, ip.headerLength());
        assertEquals(20, ip.optionsOffset());
        assertEquals(4, ip.optionsLength());
        assertTrue(ip.checksumOk());
        Bytes.u8(s, 21, 5);  // the option is covered by the checksum
        assertFalse(ip.checksumOk());
    }

    @Test
    void tellsFragmentsApart() {
        MemorySegment s = MemorySegment.ofArray(new byte[20]);
        Ipv4Header ip = new Ipv4Header().wrap(s, 0);
        ip.flagsFragment(Ipv4Header.FLAG_MF);
        assertTrue(ip.isFragment());
        assertTrue(ip.moreFragments());
        ip.flagsFragment(185);  // last fragment, offset 185 × 8 = 1480
        assertTrue(ip.isFragment());
        assertEquals(185, ip.fragmentOffset());
        ip.flagsFragment(Ipv4Header.FLAG_DF);
        assertFalse(ip.isFragment());
    }

    @Test
    void writeProducesAValidHeaderThatTsharkWouldAccept() {
        // Same fields as the constructed ping (tshark: checksum 0x4365 [correct]).
        MemorySegment s = MemorySegment.ofArray(new byte[20]);
        Ipv4Header.write(s, 0, 0, 84, 0x6B1C, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_ICMP,
                Ip4.parse("198.18.0.1"), Ip4.parse("198.18.0.2"));
        assertEquals("450000546b1c400040014365c6120001c6120002",
                Hex.of(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }
}
