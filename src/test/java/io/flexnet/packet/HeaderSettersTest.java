package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The header views' setters rebuild real captures byte for byte from their tshark-decoded fields.
 * Each rebuild starts from a buffer of 0xFF, so a setter that writes nothing, or writes elsewhere,
 * leaves a byte the capture does not have.
 */
class HeaderSettersTest {

    @Test
    void tcpSettersRebuildTheCapturedSynFromItsDecodedFields() {
        // tshark: 41000 → 80, seq 2587560961, ack 0, header length 40, SYN, window 64240,
        // checksum 0x43da [correct], urgent 0.
        MemorySegment real = Hex.segment(Frames.TCP_SYN);
        MemorySegment s = garbage(40);
        Bytes.u8(s, 12, 0);  // reserved bits belong to the caller: both flag setters keep them
        MemorySegment.copy(real, 34 + 20, s, 20, 20);  // the options, walked in TcpHeaderTest
        TcpHeader tcp = new TcpHeader().wrap(s, 0).srcPort(41000).dstPort(80).seq(2587560961L).ack(0)
                .dataOffset(10).flags(TcpHeader.SYN).window(64240).urgent(0)
                .fillChecksum(40, Ip4.parse("198.18.0.1"), Ip4.parse("198.18.0.2"));
        assertEquals(hex(real, 34, 40), hex(s, 0, 40));
        assertEquals(0x43DA, tcp.checksum());
        assertEquals(20, tcp.optionsOffset(), "options start after the fixed 20 bytes");
        assertEquals(34 + 20, TcpHeader.optionsOffset(real, 34));
    }

    @Test
    void tcpSettersRebuildTheCapturedVlanAckWithBothSequenceNumbers() {
        // tshark: 54282 → 80, seq (raw) 0xdfab9cc6, ack (raw) 0xcd1ee5d1, ACK, window 256,
        // checksum 0x5a74 [correct]; 172.27.202.142 → 69.22.148.226, behind an 802.1Q tag.
        MemorySegment real = Hex.segment(Frames.VLAN_TCP);
        MemorySegment s = garbage(20);
        Bytes.u8(s, 12, 0);
        new TcpHeader().wrap(s, 0).srcPort(54282).dstPort(80).seq(0xDFAB9CC6L).ack(0xCD1EE5D1L)
                .dataOffset(5).flags(TcpHeader.ACK).window(256).urgent(0)
                .fillChecksum(20, Ip4.parse("172.27.202.142"), Ip4.parse("69.22.148.226"));
        assertEquals(hex(real, 38, 20), hex(s, 0, 20));
        TcpHeader read = new TcpHeader().wrap(real, 38);
        assertEquals(0xDFAB9CC6L, read.seq(), "unsigned: above 2^31");
        assertEquals(0xCD1EE5D1L, read.ack());
        assertEquals(256, read.window());
    }

    @Test
    void tcpUrgentPointerAndChecksumFieldsSitAtBytes16And18() {
        MemorySegment s = MemorySegment.ofArray(new byte[20]);
        TcpHeader tcp = new TcpHeader().wrap(s, 0).checksum(0xBEEF).urgent(0x1234);
        assertEquals("00".repeat(16) + "beef1234", hex(s, 0, 20));
        assertEquals(0xBEEF, tcp.checksum());
        assertEquals(0x1234, tcp.urgent());
        assertEquals(0x1234, TcpHeader.urgent(s, 0));
    }

    @Test
    void tcpChecksumCheckRefusesACorruptedSegmentOrTheWrongPseudoHeader() {
        int src = Ip4.parse("198.18.0.1"), dst = Ip4.parse("198.18.0.2");
        MemorySegment f = Hex.segment(Frames.TCP_SYN);
        assertTrue(TcpHeader.checksumOk(f, 34, 40, src, dst));
        assertFalse(TcpHeader.checksumOk(f, 34, 40, src, dst + 1), "another destination");
        assertFalse(TcpHeader.checksumOk(f, 34, 40, dst, src + 2), "addresses are summed, not just swapped");
        Bytes.u8(f, 34 + 22, 0x06);  // MSS 1460 → 1716
        assertFalse(TcpHeader.checksumOk(f, 34, 40, src, dst));
        assertFalse(new TcpHeader().wrap(f, 34).checksumOk(40, src, dst));
        MemorySegment rst = Hex.segment(Frames.TCP_RST_PADDED);
        int rs = Ipv4Header.src(rst, 14), rd = Ipv4Header.dst(rst, 14);
        assertFalse(TcpHeader.checksumOk(rst, 34, 22, rs, rd),
                "the padding is not segment: a longer length changes the pseudo-header");
    }

    @Test
    void ipv4SettersRebuildTheCapturedDnsHeader() {
        // tshark: id 0x89c4, flags 0, TTL 56, UDP, checksum 0x2f3d [correct], 109.194.160.4 → 95.211.92.14.
        MemorySegment real = Hex.segment(Frames.DNS);
        MemorySegment s = garbage(20);
        Ipv4Header ip = new Ipv4Header().wrap(s, 0).versionIhl(4, 5).tos(0).totalLength(68).identification(0x89C4)
                .flagsFragment(0).ttl(56).protocol(Ipv4Header.PROTO_UDP)
                .src(Ip4.parse("109.194.160.4")).dst(Ip4.parse("95.211.92.14")).fillChecksum();
        assertEquals(hex(real, 14, 20), hex(s, 0, 20));
        assertTrue(ip.checksumOk());
        ip.checksum(0x2F3E);
        assertEquals(0x2F3E, Ipv4Header.checksum(s, 0));
        assertFalse(ip.checksumOk());
    }

    @Test
    void ipv4TosIsTheSecondByteWithDscpAboveEcn() {
        // RFC 2474: DSCP is the upper six bits of the old TOS byte; RFC 3168: ECN the lower two.
        // Expedited Forwarding (RFC 3246) is DSCP 46; with ECN CE (3) the byte is 0xbb.
        MemorySegment s = garbage(20);
        Ipv4Header.write(s, 0, 0xBB, 0x0102, 0x0304, 0, 64, Ipv4Header.PROTO_UDP, 0x0A000001, 0x0A000002);
        assertEquals(0x45, Bytes.u8(s, 0));
        assertEquals(0xBB, Bytes.u8(s, 1));
        Ipv4Header ip = new Ipv4Header().wrap(s, 0);
        assertEquals(0xBB, ip.tos());
        assertEquals(46, ip.dscp());
        assertEquals(3, ip.ecn());
        ip.tos(46 << 2 | 1);
        assertEquals(46, ip.dscp());
        assertEquals(1, ip.ecn(), "ECT(1)");
        assertEquals(0x0102, ip.totalLength(), "the neighbours are untouched");
        assertEquals(0x45, Bytes.u8(s, 0));
        long w0 = Ipv4Header.word0(0xBB, 0x0102, 0x0304, Ipv4Header.FLAG_DF);
        assertEquals(0xBB, Ipv4Header.tos(w0));
        assertEquals(0x0102, Ipv4Header.totalLength(w0));
        assertEquals(0x0304, Ipv4Header.identification(w0));
        assertEquals(0x45, Ipv4Header.versionIhl(w0));
        Ipv4Header.write(s, 0, 0xBB, 0x0102, 0x0304, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_UDP, 0x0A000001, 0x0A000002);
        assertEquals(Bytes.u64(s, 0), w0, "the word is the header's first eight bytes");
    }

    @Test
    void ipv4WordOneCarriesTtlAndProtocolAboveAFullSource() {
        long w1 = Ipv4Header.word1(255, 255, 0xFFFF, 0xFFFF_FFFF);
        assertEquals(255, Ipv4Header.ttl(w1));
        assertEquals(255, Ipv4Header.protocol(w1));
        assertEquals(-1, Ipv4Header.src(w1));
        long w = Ipv4Header.word1(1, Ipv4Header.PROTO_TCP, 0, Ip4.parse("172.17.81.197"));
        assertEquals(1, Ipv4Header.ttl(w));
        assertEquals(Ipv4Header.PROTO_TCP, Ipv4Header.protocol(w));
        assertEquals(Ip4.parse("172.17.81.197"), Ipv4Header.src(w));
    }

    @Test
    void udpSettersRebuildTheCapturedDnsHeader() {
        // tshark: 57766 → 53, length 48, checksum 0xa597 [correct].
        MemorySegment real = Hex.segment(Frames.DNS);
        MemorySegment s = garbage(48);
        MemorySegment.copy(real, 42, s, 8, 40);
        UdpHeader udp = new UdpHeader().wrap(s, 0).srcPort(57766).dstPort(53).length(48).checksum(0)
                .fillChecksum(Ip4.parse("109.194.160.4"), Ip4.parse("95.211.92.14"));
        assertEquals(hex(real, 34, 48), hex(s, 0, 48));
        assertEquals(0xA597, udp.checksum());
        udp.checksum(0x1234);
        assertEquals(0x1234, Bytes.u16(s, 6));
        assertEquals(8, new UdpHeader().wrap(s, 0).payloadOffset());
        assertEquals(34 + 8, UdpHeader.payloadOffset(real, 34));
    }

    @Test
    void icmpSettersRebuildTheCapturedEchoRequest() {
        // tshark: type 8, code 0, checksum 0xb554 [correct], id 0x1c46, seq 1, 56 data bytes.
        MemorySegment real = Hex.segment(Frames.PING);
        MemorySegment s = garbage(64);
        MemorySegment.copy(real, 42, s, 8, 56);
        IcmpHeader icmp = new IcmpHeader().wrap(s, 0).type(IcmpHeader.TYPE_ECHO_REQUEST).code(0).id(0x1C46).sequence(1)
                .fillChecksum(64);
        assertEquals(hex(real, 34, 64), hex(s, 0, 64));
        assertEquals(0xB554, icmp.checksum());
        assertEquals(0x0800, icmp.typeCode());
        assertEquals(0x0800, IcmpHeader.typeCode(real, 34));
        icmp.checksum(0xB555);
        assertEquals(0xB555, IcmpHeader.checksum(s, 0));
        assertFalse(icmp.checksumOk(64));
    }

    @Test
    void icmpErrorsUnusedWordIsBytesFourToSeven() {
        MemorySegment s = garbage(8);
        IcmpHeader icmp = new IcmpHeader().wrap(s, 0).type(IcmpHeader.TYPE_TIME_EXCEEDED).code(0).checksum(0).unused(0);
        assertEquals("0b00000000000000", hex(s, 0, 8));
        icmp.unused(0x01020304);
        assertEquals(0x01020304, icmp.unused());
        assertEquals(0x0304, icmp.nextHopMtu(), "the MTU of code 4 is the low half of that word");
        assertEquals("0b00000001020304", hex(s, 0, 8));
    }

    @Test
    void arpSettersRebuildTheCapturedRequestAndEachFixedFieldIsChecked() {
        // tshark: Ethernet (1), IPv4 (0x0800), sizes 6/4, request, 02:00:00:00:00:01 198.18.0.1 → ? 198.18.0.2.
        MemorySegment real = Hex.segment(Frames.ARP_REQUEST);
        MemorySegment s = garbage(28);
        ArpHeader.htype(s, 0, ArpHeader.HTYPE_ETHERNET);
        ArpHeader.ptype(s, 0, EthernetHeader.TYPE_IPV4);
        ArpHeader.hlen(s, 0, 6);
        ArpHeader.plen(s, 0, 4);
        ArpHeader arp = new ArpHeader().wrap(s, 0).oper(ArpHeader.OP_REQUEST).sha(MacAddress.parse("02:00:00:00:00:01"))
                .spa(Ip4.parse("198.18.0.1")).tha(0).tpa(Ip4.parse("198.18.0.2"));
        assertEquals(hex(real, 14, 28), hex(s, 0, 28));
        assertTrue(arp.isEthernetIpv4());
        // RFC 826's fixed fields, one wrong at a time: each alone makes it a packet we do not speak.
        ArpHeader.htype(s, 0, 6);  // IEEE 802
        assertFalse(arp.isEthernetIpv4());
        ArpHeader.htype(s, 0, 1);
        ArpHeader.ptype(s, 0, 0x86DD);
        assertFalse(arp.isEthernetIpv4());
        ArpHeader.ptype(s, 0, 0x0800);
        ArpHeader.hlen(s, 0, 8);
        assertFalse(arp.isEthernetIpv4());
        ArpHeader.hlen(s, 0, 6);
        ArpHeader.plen(s, 0, 16);
        assertFalse(arp.isEthernetIpv4());
        ArpHeader.plen(s, 0, 4);
        assertTrue(arp.isEthernetIpv4());
    }

    @Test
    void ethernetFlyweightSeesTheTagOnlyWhenItIsThere() {
        EthernetHeader eth = new EthernetHeader().wrap(Hex.segment(Frames.DNS), 0);
        assertFalse(eth.tagged());
        assertEquals(14, eth.headerLength());
        assertEquals(12, eth.etherTypeOffset());
        assertEquals(-1, eth.vlanId());
        assertEquals(EthernetHeader.TYPE_IPV4, eth.etherType());
        // A tag whose TCI has priority 5 and DEI set: only the low twelve bits are the VLAN id.
        MemorySegment s = MemorySegment.ofArray(new byte[18]);
        EthernetHeader.writeTagged(s, 0, MacAddress.BROADCAST, 2, 0x1F7, EthernetHeader.TYPE_ARP);
        Bytes.u16(s, 14, 0xB000 | 0x1F7);
        assertEquals(0x1F7, EthernetHeader.vlanId(s, 0));
        assertEquals(EthernetHeader.TYPE_ARP, EthernetHeader.etherType(s, 0));
        EthernetHeader.writeTagged(s, 0, MacAddress.BROADCAST, 2, 0xF123, EthernetHeader.TYPE_ARP);
        assertEquals(0x0123, Bytes.u16(s, 14), "an id above twelve bits does not spill into the priority");
    }

    @Test
    void everyViewReportsWhereItIsWrapped() {
        MemorySegment f = Hex.segment(Frames.TCP_SYN);
        assertEquals(f, new TcpHeader().wrap(f, 34).segment());
        assertEquals(34, new TcpHeader().wrap(f, 34).offset());
        assertEquals(f, new Ipv4Header().wrap(f, 14).segment());
        assertEquals(14, new Ipv4Header().wrap(f, 14).offset());
        assertEquals(f, new ArpHeader().wrap(f, 14).segment());
        assertEquals(14, new ArpHeader().wrap(f, 14).offset());
        assertEquals(34, new UdpHeader().wrap(f, 34).offset());
        assertEquals(34, new IcmpHeader().wrap(f, 34).offset());
        assertEquals(6, new EthernetHeader().wrap(f, 6).offset());
    }

    @Test
    void fillingAChecksumIgnoresWhatTheFieldHeld() {
        int src = Ip4.parse("198.18.0.1"), dst = Ip4.parse("198.18.0.2");
        MemorySegment f = Hex.segment(Frames.TCP_SYN);
        new TcpHeader().wrap(f, 34).checksum(0x1234).fillChecksum(40, src, dst);
        assertEquals(0x43DA, TcpHeader.checksum(f, 34));
        MemorySegment p = Hex.segment(Frames.PING);
        new IcmpHeader().wrap(p, 34).checksum(0x1234).fillChecksum(64);
        assertEquals(0xB554, IcmpHeader.checksum(p, 34));
        MemorySegment d = Hex.segment(Frames.DNS);
        new Ipv4Header().wrap(d, 14).checksum(0x1234).fillChecksum();
        assertEquals(0x2F3D, Ipv4Header.checksum(d, 14));
        UdpHeader udp = new UdpHeader().wrap(d, 34).checksum(0x1234);
        assertFalse(udp.checksumOk(Ip4.parse("109.194.160.4"), Ip4.parse("95.211.92.14")), "a wrong checksum is wrong");
        assertEquals(0xA597, udp.fillChecksum(Ip4.parse("109.194.160.4"), Ip4.parse("95.211.92.14")).checksum());
    }

    @Test
    void fluentSettersChainOnTheSameView() {
        MemorySegment s = MemorySegment.ofArray(new byte[36]);
        IcmpHeader icmp = new IcmpHeader().wrap(s, 0);
        assertEquals(icmp, icmp.nextHopMtu(1400).type(IcmpHeader.TYPE_DEST_UNREACHABLE));
        assertEquals(1400, icmp.nextHopMtu());
        EthernetHeader eth = new EthernetHeader().wrap(s, 0);
        assertEquals(eth, eth.type(EthernetHeader.TYPE_ARP).src(1));
        Ipv4Header ip = new Ipv4Header().wrap(s, 0);
        assertEquals(ip, ip.checksum(0xABCD).flagsFragment(Ipv4Header.FLAG_DF | 3));
        assertEquals(Ipv4Header.FLAG_DF | 3, ip.flagsFragment());
        assertEquals(3, ip.fragmentOffset());
    }

    @Test
    void aPriorityTaggedFrameOnVlanZeroIsStillTagged() {
        // 802.1Q: VLAN id 0 carries only a priority, and the tag stays on the wire.
        try (PacketPool pool = new PacketPool(2)) {
            Packet p = pool.allocate();
            p.vlan = 0;
            p.offset = EthernetHeader.TAGGED_HEADER_LENGTH;  // exactly room for a tagged header
            p.length = 20;
            assertTrue(EthernetHeader.prepend(p, 1, 2, EthernetHeader.TYPE_IPV4));
            assertEquals(0, p.offset);
            assertEquals(38, p.length);
            assertTrue(EthernetHeader.tagged(p.segment(), 0));
            assertEquals(0, EthernetHeader.vlanId(p.segment(), 0));
            Packet q = pool.allocate();
            q.offset = EthernetHeader.HEADER_LENGTH;
            assertTrue(EthernetHeader.prepend(q, 1, 2, EthernetHeader.TYPE_IPV4), "untagged: fourteen bytes are enough");
            assertEquals(0, q.offset);
            p.release();
            q.release();
        }
    }

    private static MemorySegment garbage(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0xFF);
        return MemorySegment.ofArray(b);
    }

    private static String hex(MemorySegment s, long off, int len) {
        return Hex.of(s.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
    }
}
