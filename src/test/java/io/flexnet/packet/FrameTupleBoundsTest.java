package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Frames that lie about their lengths, or are cut short, or sit where their offsets no longer fit:
 * each gives NONE (never an exception, never an offset outside the frame); honest frames anywhere in
 * the segment give absolute offsets.
 */
class FrameTupleBoundsTest {
    static final int IP_A = Ip4.parse("198.18.0.1"), IP_B = Ip4.parse("198.18.0.2");

    /** Untagged IPv4 with a 20-byte TCP header of {@code dataOffsetWords} words and {@code payload} bytes after it. */
    static byte[] tcp(int dataOffsetWords, int payload) {
        int tcpLen = dataOffsetWords * 4 + payload;
        byte[] f = new byte[14 + 20 + Math.max(tcpLen, 20)];
        MemorySegment s = MemorySegment.ofArray(f);
        EthernetHeader.write(s, 0, 2, 1, EthernetHeader.TYPE_IPV4);
        Ipv4Header.write(s, 14, 0, 20 + tcpLen, 1, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_TCP, IP_A, IP_B);
        TcpHeader.dataOffset(s, 34, dataOffsetWords);
        return f;
    }

    static long locate(byte[] f, int len) { return FrameTuple.locate(MemorySegment.ofArray(f), 0, len); }

    static void setTotalLength(byte[] f, int l3, int total) {
        Ipv4Header.totalLength(MemorySegment.ofArray(f), l3, total);
    }

    @Test
    void aTcpHeaderWithADataOffsetBelowFiveWordsIsRefused() {
        assertEquals(FrameTuple.NONE, locate(tcp(4, 8), 14 + 20 + 24));
        assertEquals(FrameTuple.NONE, locate(tcp(0, 24), 14 + 20 + 24), "would loop at the header's own start");
    }

    @Test
    void aTcpHeaderClaimingMoreThanTheDatagramIsRefused() {
        byte[] f = tcp(5, 0);
        TcpHeader.dataOffset(MemorySegment.ofArray(f), 34, 6);  // 24 bytes claimed, 20 in the datagram
        assertEquals(FrameTuple.NONE, locate(f, f.length));
        byte[] exact = tcp(6, 0);
        long t = locate(exact, exact.length);
        assertEquals(34 + 24, FrameTuple.payload(t), "a header that exactly fills the datagram is fine");
        assertEquals(34 + 24, FrameTuple.end(t), "with an empty payload");
    }

    @Test
    void aDatagramTooShortForATcpHeaderIsRefused() {
        byte[] f = tcp(5, 0);
        setTotalLength(f, 14, 20 + 19);
        assertEquals(FrameTuple.NONE, locate(f, f.length), "the IPv4 length, not the frame, bounds the header");
        assertEquals(FrameTuple.NONE, locate(tcp(5, 0), 14 + 20 + 19), "nor may the frame end inside it");
    }

    @Test
    void aDatagramTooShortForAUdpHeaderIsRefused() {
        byte[] f = FrameTupleTest.udp(8);
        setTotalLength(f, 14, 20 + 7);
        assertEquals(FrameTuple.NONE, locate(f, f.length));
        assertEquals(FrameTuple.NONE, locate(FrameTupleTest.udp(8), 14 + 20 + 7));
        byte[] empty = FrameTupleTest.udp(0);
        long t = locate(empty, empty.length);
        assertEquals(42, FrameTuple.payload(t), "a UDP header alone is a whole datagram");
        assertEquals(42, FrameTuple.end(t));
    }

    @Test
    void aLengthReachingPastTheSegmentIsRefusedNotRead() {
        byte[] f = FrameTupleTest.udp(10);
        assertEquals(FrameTuple.NONE, locate(f, f.length + 1));
        assertEquals(FrameTuple.NONE, FrameTuple.locate(MemorySegment.ofArray(f), 1, f.length));
        assertEquals(FrameTuple.NONE, FrameTuple.general(MemorySegment.ofArray(f), 0, f.length + 1));
        assertEquals(FrameTuple.NONE, FrameTuple.locate(MemorySegment.ofArray(f), -1, 20));
        assertEquals(FrameTuple.NONE, FrameTuple.general(MemorySegment.ofArray(f), -1, f.length));
    }

    @Test
    void offsetsAreAbsoluteForAFrameDeepInTheSegment() {
        byte[] f = FrameTupleTest.udp(10);
        byte[] slot = new byte[300];
        System.arraycopy(f, 0, slot, 128, f.length);
        long t = FrameTuple.locate(MemorySegment.ofArray(slot), 128, f.length);
        assertEquals(128 + 14, FrameTuple.l3(t));
        assertEquals(128 + 34, FrameTuple.l4(t));
        assertEquals(128 + 42, FrameTuple.payload(t));
        assertEquals(128 + 52, FrameTuple.end(t));
        byte[] tcp = tcp(6, 3);
        System.arraycopy(tcp, 0, slot, 128, tcp.length);
        t = FrameTuple.locate(MemorySegment.ofArray(slot), 128, tcp.length);
        assertEquals(128 + 14, FrameTuple.l3(t));
        assertEquals(128 + 34, FrameTuple.l4(t));
        assertEquals(128 + 58, FrameTuple.payload(t));
        assertEquals(128 + 61, FrameTuple.end(t));
    }

    @Test
    void aFrameMustEndWithinTheFirst64KiBForItsOffsetsToPack() {
        byte[] f = FrameTupleTest.udp(10);
        byte[] big = new byte[70_000];
        int last = 0xFFFF - f.length;  // ends exactly at 65535: every offset still fits 16 bits
        System.arraycopy(f, 0, big, last, f.length);
        long t = FrameTuple.locate(MemorySegment.ofArray(big), last, f.length);
        assertEquals(last + 14, FrameTuple.l3(t));
        assertEquals(0xFFFF, FrameTuple.end(t));
        System.arraycopy(f, 0, big, last + 1, f.length);
        assertEquals(FrameTuple.NONE, FrameTuple.locate(MemorySegment.ofArray(big), last + 1, f.length));
        assertEquals(FrameTuple.NONE, FrameTuple.general(MemorySegment.ofArray(big), last + 1, f.length));
    }

    @Test
    void aTruncatedCaptureEndsAtTheFrameNotAtTheClaimedLength() {
        byte[] f = FrameTupleTest.udp(10);
        setTotalLength(f, 14, 20 + 8 + 100);
        UdpHeader.length(MemorySegment.ofArray(f), 34, 8 + 100);
        assertEquals(f.length, FrameTuple.end(locate(f, f.length)));
        byte[] t = tcp(5, 10);
        setTotalLength(t, 14, 20 + 20 + 100);
        assertEquals(t.length, FrameTuple.end(locate(t, t.length)));
    }

    @Test
    void aUdpLengthShorterThanTheDatagramEndsThePayloadThere() {
        byte[] f = FrameTupleTest.udp(10);
        UdpHeader.length(MemorySegment.ofArray(f), 34, 8 + 4);
        assertEquals(42 + 4, FrameTuple.end(locate(f, f.length)));
        assertEquals(42 + 4, FrameTuple.end(FrameTuple.general(MemorySegment.ofArray(f), 0, f.length)));
    }

    @Test
    void ipv4OptionsMoveTheTransportHeader() {
        byte[] plain = FrameTupleTest.udp(4);
        byte[] f = new byte[plain.length + 4];
        System.arraycopy(plain, 0, f, 0, 34);
        System.arraycopy(plain, 34, f, 38, plain.length - 34);
        MemorySegment s = MemorySegment.ofArray(f);
        Ipv4Header.versionIhl(s, 14, 4, 6);
        Ipv4Header.totalLength(s, 14, 24 + 8 + 4);
        long t = locate(f, f.length);
        assertEquals(38, FrameTuple.l4(t));
        assertEquals(46, FrameTuple.payload(t));
        assertEquals(50, FrameTuple.end(t));
    }

    @Test
    void refusesWhatIsNotAWholeUnfragmentedIpv4Datagram() {
        byte[] v6 = FrameTupleTest.udp(4);
        v6[14] = 0x65;
        assertEquals(FrameTuple.NONE, locate(v6, v6.length));
        byte[] arp = FrameTupleTest.udp(4);
        arp[12] = 0x08; arp[13] = 0x06;
        assertEquals(FrameTuple.NONE, locate(arp, arp.length));
        byte[] lastFragment = FrameTupleTest.udp(4);
        Bytes.u16(MemorySegment.ofArray(lastFragment), 14 + 6, 185);  // no MF, offset 1480
        assertEquals(FrameTuple.NONE, locate(lastFragment, lastFragment.length));
        byte[] totalBelowHeader = FrameTupleTest.udp(4);
        setTotalLength(totalBelowHeader, 14, 19);
        assertEquals(FrameTuple.NONE, locate(totalBelowHeader, totalBelowHeader.length));
        byte[] cutInIpHeader = FrameTupleTest.udp(4);
        assertEquals(FrameTuple.NONE, locate(cutInIpHeader, 14 + 19));
        assertEquals(FrameTuple.NONE, locate(cutInIpHeader, 14), "an Ethernet header alone");
    }

    @Test
    void aTagCutShortOrAThirdTagIsRefused() {
        byte[] cut = Arrays.copyOf(FrameTupleTest.udp(0), 16);
        cut[12] = (byte) 0x81; cut[13] = 0x00;  // a tag, and the segment ends where its type would be
        assertEquals(FrameTuple.NONE, locate(cut, 16));
        byte[] plain = FrameTupleTest.udp(2);
        byte[] three = new byte[plain.length + 12];
        System.arraycopy(plain, 0, three, 0, 12);
        for (int i = 0; i < 3; i++) { three[12 + 4 * i] = (byte) 0x81; three[13 + 4 * i] = 0x00; }
        System.arraycopy(plain, 12, three, 24, plain.length - 12);
        assertEquals(FrameTuple.NONE, locate(three, three.length), "two tags at most, as the class says");
        byte[] one = new byte[plain.length + 4];
        System.arraycopy(plain, 0, one, 0, 12);
        one[12] = (byte) 0x81; one[13] = 0x00;
        System.arraycopy(plain, 12, one, 16, plain.length - 12);
        long t = locate(one, one.length);
        assertEquals(18, FrameTuple.l3(t));
        assertEquals(38, FrameTuple.l4(t));
        assertEquals(46, FrameTuple.payload(t));
        assertEquals(48, FrameTuple.end(t));
    }
    @Test
    void aSegmentEndingInsideAHeaderIsNeverReadPastItsEnd() {
        // The segment itself ends where the frame does: a single read beyond it would throw.
        assertEquals(FrameTuple.NONE, locate(Arrays.copyOf(FrameTupleTest.udp(4), 14 + 8), 14 + 8), "inside the IPv4 header");
        assertEquals(FrameTuple.NONE, locate(Arrays.copyOf(FrameTupleTest.udp(4), 34 + 3), 34 + 3), "inside the UDP header");
        byte[] t = tcp(5, 0);
        setTotalLength(t, 14, 20 + 10);
        assertEquals(FrameTuple.NONE, locate(Arrays.copyOf(t, 34 + 10), 34 + 10), "inside the TCP header");
        byte[] bare = tcp(5, 0);
        long found = locate(bare, bare.length);
        assertEquals(34 + 20, FrameTuple.payload(found), "a bare TCP header is a whole segment");
        assertEquals(34 + 20, FrameTuple.end(found));
    }

    @Test
    void aNegativeOffsetIsRefusedEvenWhenTheBytesThereLookRight() {
        byte[] f = FrameTupleTest.udp(10);
        byte[] shifted = Arrays.copyOfRange(f, 1, f.length);  // so that offset -1 would line the frame up
        assertEquals(FrameTuple.NONE, FrameTuple.locate(MemorySegment.ofArray(shifted), -1, f.length));
    }
}
