package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP view and option walk, including malformed options. */
class TcpHeaderTest {

    @Test
    void readsAllFieldsOfSynWithOptions() {
        // tshark: 41000 → 80, seq (raw) 2587560961, ack 0, header length 40, flags 0x002 (SYN),
        // window 64240, checksum 0x43da [correct], urgent 0.
        MemorySegment f = Hex.segment(Frames.TCP_SYN);
        TcpHeader tcp = new TcpHeader().wrap(f, 34);
        assertEquals(41000, tcp.srcPort());
        assertEquals(80, tcp.dstPort());
        assertEquals(2587560961L, tcp.seq());
        assertEquals(0, tcp.ack());
        assertEquals(10, tcp.dataOffset());
        assertEquals(40, tcp.headerLength());
        assertEquals(TcpHeader.SYN, tcp.flags());
        assertTrue(tcp.hasFlags(TcpHeader.SYN));
        assertFalse(tcp.hasFlags(TcpHeader.SYN | TcpHeader.ACK));
        assertEquals(64240, tcp.window());
        assertEquals(0x43DA, tcp.checksum());
        assertEquals(0, tcp.urgent());
        assertEquals(20, tcp.optionsLength());
        assertTrue(tcp.checksumOk(40, Ipv4Header.src(f, 14), Ipv4Header.dst(f, 14)));
    }

    @Test
    void walksTheOptionsOfSyn() {
        // tshark: MSS 1460, SACK permitted, Timestamps (TSval 169552957, TSecr 0), NOP, Window scale 7.
        MemorySegment f = Hex.segment(Frames.TCP_SYN);
        TcpOptions o = new TcpOptions().wrap(f, 34, 40);
        List<String> seen = new ArrayList<>();
        while (o.next()) {
            seen.add(o.kind() + "/" + o.length() + "@" + (o.offset() - 34));
            switch (o.kind()) {
                case TcpOptions.MSS -> assertEquals(1460, o.mss());
                case TcpOptions.WINDOW_SCALE -> assertEquals(7, o.windowScale());
                case TcpOptions.TIMESTAMPS -> {
                    assertEquals(169552957L, o.tsVal());
                    assertEquals(0, o.tsEcr());
                }
                default -> { }
            }
        }
        assertFalse(o.malformed());
        assertEquals(List.of("2/4@20", "4/2@24", "8/10@26", "1/1@36", "3/3@37"), seen);
    }

    @Test
    void readsFlagsOfRealRstAck() {
        // tshark: 99 → 39663, flags 0x014 (RST, ACK), checksum 0xc308 [correct].
        MemorySegment f = Hex.segment(Frames.TCP_RST_PADDED);
        TcpHeader tcp = new TcpHeader().wrap(f, 34);
        assertEquals(99, tcp.srcPort());
        assertEquals(39663, tcp.dstPort());
        assertEquals(TcpHeader.RST | TcpHeader.ACK, tcp.flags());
        assertEquals(0x2EC12783L, tcp.ack());
        assertTrue(tcp.checksumOk(20, Ipv4Header.src(f, 14), Ipv4Header.dst(f, 14)));
        TcpOptions o = new TcpOptions().wrap(f, 34, 20);
        assertFalse(o.next());
        assertFalse(o.malformed());
    }

    @Test
    void setsFlagsAndDataOffsetWithoutDisturbingEachOther() {
        MemorySegment s = MemorySegment.ofArray(new byte[20]);
        TcpHeader tcp = new TcpHeader().wrap(s, 0).dataOffset(5).flags(TcpHeader.SYN | TcpHeader.ECE | TcpHeader.CWR | TcpHeader.AE);
        assertEquals(5, tcp.dataOffset());
        assertEquals(TcpHeader.SYN | TcpHeader.ECE | TcpHeader.CWR | TcpHeader.AE, tcp.flags());
        tcp.dataOffset(15);
        assertEquals(TcpHeader.SYN | TcpHeader.ECE | TcpHeader.CWR | TcpHeader.AE, tcp.flags());
        assertEquals(0xF1, Bytes.u8(s, 12));
        assertEquals(0xC2, Bytes.u8(s, 13));
    }

    @Test
    void readsSackBlocks() {
        // NOP NOP SACK with two blocks.
        MemorySegment s = options("0101 0512 00000064 000000c8 0000012c 00000190");
        TcpOptions o = new TcpOptions().wrap(s, 0, 40);
        assertTrue(o.next());
        assertTrue(o.next());
        assertTrue(o.next());
        assertEquals(TcpOptions.SACK, o.kind());
        assertEquals(2, o.sackBlocks());
        assertEquals(100, o.sackLeft(0));
        assertEquals(200, o.sackRight(0));
        assertEquals(300, o.sackLeft(1));
        assertEquals(400, o.sackRight(1));
        assertFalse(o.next());
        assertFalse(o.malformed());
    }

    @Test
    void stopsAtEndOfOptionList() {
        MemorySegment s = options("020405b4 00 ffffff");  // garbage after EOL is padding
        TcpOptions o = new TcpOptions().wrap(s, 0, 28);
        assertTrue(o.next());
        assertFalse(o.next());
        assertFalse(o.malformed());
    }

    @Test
    void detectsMalformedOptionLengths() {
        assertMalformed("0200 0000");              // length 0 would loop forever
        assertMalformed("0201 0000");              // length 1 is shorter than kind + length
        assertMalformed("020305 00");              // MSS must be 4
        assertMalformed("0304 0700");              // window scale must be 3
        assertMalformed("0403 0000");              // SACK-permitted must be 2
        assertMalformed("080b 0000 0000 0000 0000 00 00");    // timestamps must be 10
        assertMalformed("050b 0000 0000 0000 0000 00 00");    // SACK of no whole block
        assertMalformed("fe08 0000");              // unknown kind running past the header
        assertMalformed("010101 02");              // kind with no room for its length byte
    }

    @Test
    void detectsBadDataOffsets() {
        MemorySegment s = MemorySegment.ofArray(new byte[40]);
        TcpHeader.dataOffset(s, 0, 4);
        assertTrue(new TcpOptions().wrap(s, 0, 40).malformed());
        TcpHeader.dataOffset(s, 0, 10);
        TcpOptions o = new TcpOptions().wrap(s, 0, 32);  // header says 40, only 32 bytes there
        assertTrue(o.malformed());
        assertFalse(o.next());
        assertTrue(new TcpOptions().wrap(s, 0, 19).malformed());
    }

    private static void assertMalformed(String opts) {
        MemorySegment s = options(opts);
        TcpOptions o = new TcpOptions().wrap(s, 0, (int) s.byteSize());
        int visited = 0;
        while (o.next()) visited++;
        assertTrue(o.malformed(), opts + " after " + visited + " options");
    }

    /** A bare TCP header (data offset set to fit) followed by the given option bytes. */
    private static MemorySegment options(String hex) {
        byte[] opt = Hex.bytes(hex);
        byte[] b = new byte[20 + opt.length];
        System.arraycopy(opt, 0, b, 20, opt.length);
        MemorySegment s = MemorySegment.ofArray(b);
        TcpHeader.dataOffset(s, 0, b.length / 4);
        if (b.length % 4 != 0) throw new IllegalArgumentException("options must fill whole words");
        return s;
    }
}
