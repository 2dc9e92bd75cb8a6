package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** ICMP view: echo and destination-unreachable layouts. */
class IcmpHeaderTest {

    @Test
    void readsEchoRequest() {
        // tshark: Type 8 (Echo (ping) request), checksum 0xb554 [correct], id 0x1c46, seq 1.
        IcmpHeader icmp = new IcmpHeader().wrap(Hex.segment(Frames.PING), 34);
        assertEquals(IcmpHeader.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(0xB554, icmp.checksum());
        assertEquals(0x1C46, icmp.id());
        assertEquals(1, icmp.sequence());
        assertTrue(icmp.checksumOk(64));
        assertEquals(0x10, Bytes.u8(icmp.segment(), 34 + 8 + 8));  // iputils pattern after the timestamp
    }

    @Test
    void turnsRequestIntoReplyWithIncrementalChecksum() {
        MemorySegment f = Hex.segment(Frames.PING);
        int old = IcmpHeader.checksum(f, 34);
        IcmpHeader.type(f, 34, IcmpHeader.TYPE_ECHO_REPLY);
        // Type word 0x0800 → 0x0000: the checksum grows by 0x0800.
        IcmpHeader.checksum(f, 34, Checksum.update16(old, 0x0800, 0x0000));
        assertEquals(0xBD54, IcmpHeader.checksum(f, 34));
        assertTrue(IcmpHeader.checksumOk(f, 34, 64));
        int incremental = IcmpHeader.checksum(f, 34);
        IcmpHeader.fillChecksum(f, 34, 64);
        assertEquals(incremental, IcmpHeader.checksum(f, 34));
    }

    @Test
    void laysOutDestinationUnreachable() {
        // Fragmentation needed (code 4) carries the next-hop MTU (RFC 1191) before the quote.
        MemorySegment s = MemorySegment.ofArray(new byte[8 + 28]);
        IcmpHeader icmp = new IcmpHeader().wrap(s, 0);
        icmp.type(IcmpHeader.TYPE_DEST_UNREACHABLE).code(IcmpHeader.CODE_FRAGMENTATION_NEEDED).unused(0).nextHopMtu(1400);
        MemorySegment.copy(Hex.segment(Frames.DNS), 14, s, icmp.originalOffset(), 28);
        icmp.fillChecksum(36);
        assertEquals(0x0304, icmp.typeCode());
        assertEquals(1400, icmp.nextHopMtu());
        assertEquals(8, icmp.originalOffset());
        assertEquals(Ip4.parse("95.211.92.14"), Ipv4Header.dst(s, icmp.originalOffset()));
        assertEquals(53, UdpHeader.dstPort(s, icmp.originalOffset() + 20));
        assertTrue(icmp.checksumOk(36));
        icmp.nextHopMtu(1500);
        assertFalse(icmp.checksumOk(36));
    }
}
