package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Ethernet view on real tagged and untagged frames. */
class EthernetHeaderTest {

    @Test
    void readsUntaggedRealFrame() {
        MemorySegment f = Hex.segment(Frames.DNS);
        assertEquals(MacAddress.parse("00:22:19:b6:7e:22"), EthernetHeader.dst(f, 0));
        assertEquals(MacAddress.parse("00:0f:35:bb:0b:40"), EthernetHeader.src(f, 0));
        assertFalse(EthernetHeader.tagged(f, 0));
        assertEquals(EthernetHeader.TYPE_IPV4, EthernetHeader.etherType(f, 0));
        assertEquals(12, EthernetHeader.etherTypeOffset(f, 0));
        assertEquals(14, EthernetHeader.headerLength(f, 0));
        assertEquals(-1, EthernetHeader.vlanId(f, 0));
    }

    @Test
    void readsThroughTheVlanTagOfRealFrame() {
        // tshark: "802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 503", then IPv4.
        EthernetHeader eth = new EthernetHeader().wrap(Hex.segment(Frames.VLAN_TCP), 0);
        assertEquals(MacAddress.parse("00:10:db:ff:10:00"), eth.dst());
        assertEquals(MacAddress.parse("00:15:2c:9d:cc:00"), eth.src());
        assertTrue(eth.tagged());
        assertEquals(EthernetHeader.TYPE_VLAN, eth.type());
        assertEquals(503, eth.vlanId());
        assertEquals(16, eth.etherTypeOffset());
        assertEquals(EthernetHeader.TYPE_IPV4, eth.etherType());
        assertEquals(18, eth.headerLength());
        assertEquals(4, Ipv4Header.version(eth.segment(), eth.headerLength()));
    }

    @Test
    void writesTheSameBytesItReads() {
        MemorySegment real = Hex.segment(Frames.VLAN_TCP);
        MemorySegment s = MemorySegment.ofArray(new byte[18]);
        EthernetHeader.writeTagged(s, 0, EthernetHeader.dst(real, 0), EthernetHeader.src(real, 0), 503,
                EthernetHeader.TYPE_IPV4);
        assertEquals(Hex.of(real.asSlice(0, 18).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)),
                Hex.of(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));

        EthernetHeader eth = new EthernetHeader().wrap(MemorySegment.ofArray(new byte[14]), 0);
        eth.dst(MacAddress.BROADCAST).src(MacAddress.parse("02:00:00:00:00:01")).type(EthernetHeader.TYPE_ARP);
        assertEquals("ffffffffffff0200000000010806",
                Hex.of(eth.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }

    @Test
    void prependsIntoHeadroomTaggedWhenThePacketHasAVlan() {
        try (PacketPool pool = new PacketPool(2)) {
            Packet p = pool.allocate();
            p.offset = 100;
            p.length = 20;
            assertTrue(EthernetHeader.prepend(p, 1, 2, EthernetHeader.TYPE_IPV4));
            assertEquals(86, p.offset);
            assertEquals(34, p.length);
            assertEquals(1, EthernetHeader.dst(p.segment(), p.offset));

            Packet q = pool.allocate();
            q.offset = 100;
            q.vlan = 7;
            assertTrue(EthernetHeader.prepend(q, 1, 2, EthernetHeader.TYPE_IPV4));
            assertEquals(82, q.offset);
            assertEquals(7, EthernetHeader.vlanId(q.segment(), q.offset));
            assertEquals(EthernetHeader.TYPE_IPV4, EthernetHeader.etherType(q.segment(), q.offset));

            q.offset = 10;
            assertFalse(EthernetHeader.prepend(q, 1, 2, EthernetHeader.TYPE_IPV4));
            assertEquals(10, q.offset);
            p.release();
            q.release();
        }
    }
}
