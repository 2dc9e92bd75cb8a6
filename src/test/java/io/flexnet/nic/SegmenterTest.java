package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.TcpHeader;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Software TSO: a super frame cut as Linux's tcp_gso_segment cuts one, and the InMemoryNic that uses it. */
class SegmenterTest {
    static final int SRC = 0xC612_0001, DST = 0xC612_0002, SEQ = 0x7FFF_F000, DATA = 3000, MSS = 1448;
    static final int TCP_HEADER = 32;  // with the timestamps option, as every established segment here

    private final PacketPool pool = PacketPool.withJumbo(64, 2);

    @AfterEach
    void slotsBack() {
        assertEquals(pool.capacity(), pool.available(), "every slot back in the pool");
        pool.close();
    }

    /** Ethernet, IPv4 (id 7) and TCP with timestamps in front of {@link #DATA} patterned bytes; PSH, FIN and CWR set. */
    Packet superFrame() {
        Packet p = pool.allocateJumbo();
        MemorySegment s = p.segment();
        int at = p.offset, l3 = at + 14, l4 = l3 + 20;
        Bytes.u16(s, at + 12, 0x0800);
        Bytes.u8(s, l3, 0x45);
        Ipv4Header.totalLength(s, l3, 20 + TCP_HEADER + DATA);
        Bytes.u16(s, l3 + Ipv4Header.IDENTIFICATION_OFFSET, 7);
        Bytes.u8(s, l3 + Ipv4Header.TTL_OFFSET, 64);
        Bytes.u8(s, l3 + Ipv4Header.PROTOCOL_OFFSET, Ipv4Header.PROTO_TCP);
        Bytes.i32(s, l3 + Ipv4Header.SRC_OFFSET, SRC);
        Bytes.i32(s, l3 + Ipv4Header.DST_OFFSET, DST);
        TcpHeader.srcPort(s, l4, 5001);
        TcpHeader.dstPort(s, l4, 40000);
        Bytes.i32(s, l4 + TcpHeader.SEQ_OFFSET, SEQ);
        Bytes.u16(s, l4 + TcpHeader.DATA_OFFSET_OFFSET, (TCP_HEADER / 4) << 12
                | TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN | TcpHeader.CWR);
        for (int i = 0; i < DATA; i++) Bytes.u8(s, l4 + TCP_HEADER + i, i * 7 & 0xFF);
        p.length = 14 + 20 + TCP_HEADER + DATA;
        p.l3Offset = l3;
        p.l4Offset = l4;
        p.srcIp = SRC;
        p.dstIp = DST;
        p.protocol = Ipv4Header.PROTO_TCP;
        p.gsoSize = MSS;
        return p;
    }

    @Test
    void cutsIntoWholeSegmentsWithTheirOwnNumbersFlagsAndSums() {
        Packet p = superFrame();
        assertEquals(54 + 12, Segmenter.headers(p));
        assertEquals(3, Segmenter.count(p));
        int[] lengths = {MSS, MSS, DATA - 2 * MSS};
        for (int i = 0; i < 3; i++) {
            Packet q = Segmenter.segment(p, i, pool);
            MemorySegment s = q.segment();
            int l3 = q.l3Offset, l4 = q.l4Offset, tcpLen = TCP_HEADER + lengths[i];
            assertEquals(14 + 20 + tcpLen, q.length, "segment " + i + " length");
            assertEquals(20 + tcpLen, Ipv4Header.totalLength(s, l3));
            assertEquals(7 + i, Ipv4Header.identification(s, l3), "one more identification per segment");
            assertEquals(0xFFFF, Checksum.fold(Checksum.sum(s, l3, 20, 0)), "segment " + i + "'s IPv4 header sum");
            assertTrue(TcpHeader.checksumOk(s, l4, tcpLen, SRC, DST), "segment " + i + "'s TCP sum");
            assertEquals(SEQ + i * MSS, Bytes.i32(s, l4 + TcpHeader.SEQ_OFFSET), "sequence numbers wrap as they should");
            int flags = TcpHeader.flags(s, l4);
            assertEquals(i == 2, (flags & TcpHeader.PSH) != 0, "PSH only on the last");
            assertEquals(i == 2, (flags & TcpHeader.FIN) != 0, "FIN only on the last");
            assertEquals(i == 0, (flags & TcpHeader.CWR) != 0, "CWR only on the first");
            assertTrue((flags & TcpHeader.ACK) != 0);
            for (int b = 0; b < lengths[i]; b++) {
                assertEquals((i * MSS + b) * 7 & 0xFF, Bytes.u8(s, l4 + TCP_HEADER + b), "byte " + b + " of segment " + i);
            }
            q.release();
        }
        assertThrows(IndexOutOfBoundsException.class, () -> Segmenter.segment(p, 3, pool));
        p.release();
    }

    @Test
    void anInMemoryNicOfferingSegmentationSendsTheSegments() {
        try (InMemoryNic nic = InMemoryNic.builder(pool).fillsChecksums(true).segmentsTcp(true).build()) {
            assertEquals(0xFFFF, nic.gsoMaxBytes());
            assertTrue(nic.transmit(0, superFrame()));
            List<Integer> lengths = new ArrayList<>();
            nic.drainTx(0, (q, f) -> lengths.add(f.length), 16);
            assertEquals(List.of(54 + 12 + MSS, 54 + 12 + MSS, 54 + 12 + DATA - 2 * MSS), lengths);
        }
    }

    @Test
    void segmentationNeedsChecksumsAndJumboSlots() {
        assertThrows(IllegalArgumentException.class, () -> InMemoryNic.builder(pool).segmentsTcp(true).build());
        try (PacketPool plain = new PacketPool(8)) {
            assertThrows(IllegalArgumentException.class,
                    () -> InMemoryNic.builder(plain).fillsChecksums(true).segmentsTcp(true).build());
        }
        try (InMemoryNic nic = InMemoryNic.builder(pool).fillsChecksums(true).build()) {
            assertEquals(0, nic.gsoMaxBytes(), "no segmentation unless asked");
        }
    }
}
