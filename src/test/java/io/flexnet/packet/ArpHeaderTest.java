package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** ARP view against a tshark-decoded request. */
class ArpHeaderTest {

    @Test
    void readsRequest() {
        // tshark: Ethernet (1), IPv4 (0x0800), sizes 6/4, request (1), sender 02:00:00:00:00:01
        // 198.18.0.1, target 00:00:00:00:00:00 198.18.0.2.
        ArpHeader arp = new ArpHeader().wrap(Hex.segment(Frames.ARP_REQUEST), 14);
        assertTrue(arp.isEthernetIpv4());
        assertEquals(1, arp.htype());
        assertEquals(0x0800, arp.ptype());
        assertEquals(6, arp.hlen());
        assertEquals(4, arp.plen());
        assertEquals(ArpHeader.OP_REQUEST, arp.oper());
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), arp.sha());
        assertEquals(Ip4.parse("198.18.0.1"), arp.spa());
        assertEquals(0, arp.tha());
        assertEquals(Ip4.parse("198.18.0.2"), arp.tpa());
    }

    @Test
    void writesTheCapturedRequestByteForByte() {
        MemorySegment s = MemorySegment.ofArray(new byte[28]);
        ArpHeader.write(s, 0, ArpHeader.OP_REQUEST, MacAddress.parse("02:00:00:00:00:01"), Ip4.parse("198.18.0.1"),
                0, Ip4.parse("198.18.0.2"));
        byte[] real = Hex.segment(Frames.ARP_REQUEST).asSlice(14, 28).toArray(ValueLayout.JAVA_BYTE);
        assertEquals(Hex.of(real), Hex.of(s.toArray(ValueLayout.JAVA_BYTE)));
    }

    @Test
    void refusesOtherHardwareOrProtocolSizes() {
        MemorySegment s = Hex.segment(Frames.ARP_REQUEST);
        ArpHeader.hlen(s, 14, 8);
        assertFalse(ArpHeader.isEthernetIpv4(s, 14));
        s = Hex.segment(Frames.ARP_REQUEST);
        ArpHeader.ptype(s, 14, 0x86DD);
        assertFalse(ArpHeader.isEthernetIpv4(s, 14));
    }
}
