package io.flexnet.policy;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyInputTest {
    private final PacketPool pool = new PacketPool(8);

    @AfterEach
    void close() { pool.close(); }

    private PolicyInput bound(byte[] frame) {
        Packet p = Packets.copy(pool, frame);
        PolicyInput in = PolicyInput.slotOf(p);
        boolean ok = in.bindFromFrame(p);
        p.release();
        return ok ? in : null;
    }

    @Test
    void readsTheUdpTupleAndRequestHeaderFromTheFrame() {
        byte[] payload = Requests.request(0x0102030405060708L, RequestHeader.SCAN, 0xCAFEBABE, 77, 3);
        PolicyInput in = bound(Frame.udp().from(PEER).to(US).ports(40_000, 9000).payload(payload).build());
        assertNotNull(in);
        assertEquals(PEER.ip(), in.srcIp());
        assertEquals(US.ip(), in.dstIp());
        assertEquals(40_000, in.srcPort());
        assertEquals(9000, in.dstPort());
        assertEquals(17, in.protocol());
        assertEquals(payload.length, in.payloadLength());
        assertEquals(RequestHeader.SCAN, in.payloadU8(RequestHeader.TYPE));
        assertEquals(0xCAFEBABEL, in.payloadU32(RequestHeader.KEY));
        assertEquals(77, in.payloadU32(RequestHeader.USER));
        assertEquals(0x0102, in.payloadU16(0));
        assertEquals(0x0800, in.frameU16(12), "EtherType");
        assertEquals(0x45, in.frameU8(14));
    }

    @Test
    void outOfBoundsReadsAnswerMinusOneAtEveryEdge() {
        PolicyInput in = bound(Frame.udp().from(PEER).to(US).ports(1, 2).payload(new byte[] {1, 2, 3, 4, 5}).build());
        assertEquals(5, in.payloadLength());
        assertEquals(5, in.payloadU8(4));
        assertEquals(-1, in.payloadU8(5));
        assertEquals(-1, in.payloadU8(-1));
        assertEquals(0x0405, in.payloadU16(3));
        assertEquals(-1, in.payloadU16(4));
        assertEquals(0x02030405L, in.payloadU32(1));
        assertEquals(-1, in.payloadU32(2));
        assertEquals(-1, in.payloadU32(Integer.MAX_VALUE), "no overflow in the bounds check");
        assertEquals(-1, in.frameU32(in.frameLength() - 3));
        assertEquals(-1, in.frameU8(Integer.MIN_VALUE));
    }

    @Test
    void aHeaderCutShortReadsAsNotARequest() {
        PolicyInput in = bound(Frame.udp().from(PEER).to(US).ports(1, 2).payload(new byte[RequestHeader.USER + 3])
                .build());
        assertEquals(0, in.payloadU8(RequestHeader.TYPE));
        assertEquals(-1, in.payloadU32(RequestHeader.USER));
    }

    @Test
    void skipsVlanTagsAndReadsTcp() {
        PolicyInput in = bound(Frame.udp().from(PEER).to(US).vlan(42).ports(5, 6000).payload(new byte[4]).build());
        assertNotNull(in);
        assertEquals(6000, in.dstPort());
        in = bound(Frame.tcp().from(PEER).to(US).ports(7, 8080).flags(Frame.PSH | Frame.ACK).payload(new byte[] {9, 9})
                .build());
        assertNotNull(in);
        assertEquals(6, in.protocol());
        assertEquals(8080, in.dstPort());
        assertEquals(2, in.payloadLength());
        assertEquals(9, in.payloadU8(1));
    }

    @Test
    void findsNoTupleInFragmentsOtherProtocolsOrTruncatedFrames() {
        byte[] udp = Frame.udp().from(PEER).to(US).ports(5, 6000).payload(new byte[8]).build();
        byte[] fragment = udp.clone();
        fragment[20] = 0x20;  // more-fragments flag
        assertNull(bound(fragment));
        byte[] icmp = Frame.ipv4(1).from(PEER).to(US).ipSrc(PEER.ip()).ipDst(US.ip()).dontFragment(false)
                .payload(new byte[8]).build();
        assertNull(bound(icmp));
        assertNull(bound(java.util.Arrays.copyOf(udp, 14 + 20 + 7)), "UDP header cut short");
        byte[] badUdpLength = udp.clone();
        badUdpLength[14 + 20 + 4] = 0;
        badUdpLength[14 + 20 + 5] = 7;  // UDP length 7 < 8
        assertNull(bound(badUdpLength));
    }

    @Test
    void payloadStopsAtTheIpTotalLengthNotAtEthernetPadding() {
        byte[] frame = Frame.udp().from(PEER).to(US).ports(5, 6000).payload(new byte[] {1, 2}).build();
        byte[] padded = java.util.Arrays.copyOf(frame, 60);  // padded to the Ethernet minimum
        java.util.Arrays.fill(padded, frame.length, 60, (byte) 0xEE);
        PolicyInput in = bound(padded);
        assertEquals(2, in.payloadLength());
        assertEquals(-1, in.payloadU8(2), "padding is not payload");
    }

    @Test
    void fieldsFromTheLayersAreClippedToTheFrame() {
        Packet p = Packets.parsed(pool, Frame.udp().from(PEER).to(US).ports(5, 6000).payload(new byte[10]).build());
        p.payloadLength = 5000;  // a layer bug must not let a policy read beyond the frame
        PolicyInput in = PolicyInput.slotOf(p);
        in.bindFromFields(p);
        assertEquals(10, in.payloadLength());
        assertEquals(6000, in.dstPort());
        p.release();
    }

    @Test
    void flowHashPrefersTheNicsHashAndIsStableWithoutIt() {
        Packet p = Packets.copy(pool, Frame.udp().from(PEER).to(US).ports(5, 6000).payload(new byte[10]).build());
        PolicyInput in = PolicyInput.slotOf(p);
        in.bindFromFrame(p);
        int h = in.flowHash();
        assertEquals(PolicyInput.tupleHash(PEER.ip(), US.ip(), 5, 6000, 17), h);
        p.flowHash = 0x1234;
        in.bindFromFrame(p);
        assertEquals(0x1234, in.flowHash());
        p.release();
    }

    /** Random bytes as a frame: parsing never throws and every read stays inside the frame. */
    @Property(tries = 2000)
    void neverReadsOutsideTheFrame(@ForAll @Size(max = 200) byte[] bytes,
                                   @ForAll @IntRange(min = -4, max = 260) int off) {
        Packet p = FUZZ_POOL.allocate(bytes, 0, bytes.length);
        try {
            // Corrupt the header's lengths in place to look like UDP sometimes.
            if (bytes.length > 34 && off % 3 == 0) {
                io.flexnet.packet.Bytes.u16(p.segment(), p.offset + 12, 0x0800);
                io.flexnet.packet.Bytes.u8(p.segment(), p.offset + 14, 0x45);
                io.flexnet.packet.Bytes.u8(p.segment(), p.offset + 23, 17);
                io.flexnet.packet.Bytes.u16(p.segment(), p.offset + 20, 0);
            }
            PolicyInput in = PolicyInput.slotOf(p);
            in.bindFromFrame(p);
            int frameEnd = p.offset + p.length;
            assertTrue(in.payloadLength() >= 0);
            int v = in.payloadU8(off);
            if (off >= 0 && off < in.payloadLength()) assertTrue(v >= 0); else assertEquals(-1, v);
            if (in.frameU32(off) >= 0) assertTrue(off + 4 <= bytes.length);
            assertTrue(in.payloadStart() >= p.offset, "payload inside the frame");
            assertTrue(in.payloadStart() + in.payloadLength() <= frameEnd, "payload inside the frame");
        } finally {
            p.release();
        }
    }

    private static final PacketPool FUZZ_POOL = new PacketPool(2);
}
