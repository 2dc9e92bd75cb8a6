package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.workload.UdpFrames;
import java.lang.foreign.MemorySegment;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FrameTupleTest {
    static final long A = MacAddress.parse("02:00:00:00:00:01"), B = MacAddress.parse("02:00:00:00:00:02");
    static final int IP_A = Ip4.parse("198.18.0.1"), IP_B = Ip4.parse("198.18.0.2");

    static byte[] udp(int payload) { return UdpFrames.frame(B, A, IP_A, IP_B, 1234, 9000, new byte[payload]); }

    static long locate(byte[] f) { return FrameTuple.locate(MemorySegment.ofArray(f), 0, f.length); }

    @Test
    void findsTheUdpHeaderAndPayloadOfAPlainFrame() {
        byte[] f = udp(10);
        long t = locate(f);
        assertEquals(14, FrameTuple.l3(t));
        assertEquals(34, FrameTuple.l4(t));
        assertEquals(42, FrameTuple.payload(t));
        assertEquals(52, FrameTuple.end(t));
    }

    @Test
    void skipsVlanTagsAndEndsAtTheDatagramNotThePadding() {
        byte[] plain = udp(2);
        byte[] tagged = new byte[plain.length + 8 + 10];  // two tags, then 10 bytes of padding
        System.arraycopy(plain, 0, tagged, 0, 12);
        tagged[12] = (byte) 0x88; tagged[13] = (byte) 0xA8;   // 802.1ad
        tagged[16] = (byte) 0x81; tagged[17] = 0x00;          // 802.1Q
        System.arraycopy(plain, 12, tagged, 20, plain.length - 12);
        long t = locate(tagged);
        assertEquals(22, FrameTuple.l3(t));
        assertEquals(22 + 28 + 2, FrameTuple.end(t), "trailing padding is not payload");
    }

    @Test
    void findsTheTcpPayloadPastItsOptions() {
        byte[] f = new byte[14 + 20 + 24 + 5];
        MemorySegment s = MemorySegment.ofArray(f);
        EthernetHeader.write(s, 0, B, A, EthernetHeader.TYPE_IPV4);
        Ipv4Header.write(s, 14, 0, 20 + 24 + 5, 1, 0, 64, Ipv4Header.PROTO_TCP, IP_A, IP_B);
        Bytes.u8(s, 34 + 12, 6 << 4);  // data offset: 24 bytes (4 of options)
        long t = locate(f);
        assertEquals(34, FrameTuple.l4(t));
        assertEquals(58, FrameTuple.payload(t));
        assertEquals(63, FrameTuple.end(t));
    }

    @Test
    void refusesFragmentsLiesAndOtherProtocols() {
        byte[] frag = udp(4);
        Bytes.u16(MemorySegment.ofArray(frag), 14 + 6, 0x2000);  // more fragments
        assertEquals(FrameTuple.NONE, locate(frag));
        byte[] shortIhl = udp(4);
        shortIhl[14] = 0x44;
        assertEquals(FrameTuple.NONE, locate(shortIhl));
        byte[] udpTooShort = udp(4);
        Bytes.u16(MemorySegment.ofArray(udpTooShort), 34 + 4, 7);
        assertEquals(FrameTuple.NONE, locate(udpTooShort));
        byte[] icmp = udp(4);
        icmp[14 + 9] = 1;
        assertEquals(FrameTuple.NONE, locate(icmp));
        assertEquals(FrameTuple.NONE, locate(java.util.Arrays.copyOf(udp(4), 40)));
        assertEquals(FrameTuple.NONE, locate(new byte[13]));
    }

    @Property(tries = 20000)
    void randomBytesNeverThrowAndNeverPointOutsideTheFrame(@ForAll @Size(max = 120) byte[] bytes,
                                                           @ForAll @IntRange(min = 0, max = 11) int keepPrefix) {
        byte[] f = udp(16);
        int n = Math.min(bytes.length, f.length);
        // Keep a valid prefix of varying length so mutations reach the deeper checks.
        System.arraycopy(bytes, 0, f, keepPrefix * 4 < f.length ? keepPrefix * 4 : 0, Math.min(n, f.length - Math.min(keepPrefix * 4, f.length)));
        int len = bytes.length % (f.length + 1);
        long t = FrameTuple.locate(MemorySegment.ofArray(f), 0, len);
        if (t != FrameTuple.NONE) {
            assertTrue(FrameTuple.l3(t) < FrameTuple.l4(t));
            assertTrue(FrameTuple.l4(t) < FrameTuple.payload(t));
            assertTrue(FrameTuple.payload(t) <= FrameTuple.end(t));
            assertTrue(FrameTuple.end(t) <= len);
        }
    }

    /** The inlinable fast path answers exactly as the general parse, frame by frame, for mutated frames of every kind. */
    @Property(tries = 20000)
    void theFastPathAgreesWithTheGeneralParse(@ForAll @IntRange(min = 0, max = 63) int at,
                                              @ForAll byte value,
                                              @ForAll @IntRange(min = 0, max = 3) int kind,
                                              @ForAll @IntRange(min = 0, max = 80) int cut) {
        byte[] f = switch (kind) {
            case 0 -> udp(16);
            case 1 -> udp(0);
            case 2 -> { byte[] u = udp(16); u[14 + 9] = Ipv4Header.PROTO_TCP; u[34 + 12] = 0x50; yield u; }
            default -> { byte[] u = udp(16); u[14 + 6] = 0x40; yield u; }  // don't-fragment: still whole
        };
        if (at < f.length) f[at] = value;
        int len = Math.max(0, f.length - cut % 20);
        MemorySegment s = MemorySegment.ofArray(f);
        assertEquals(FrameTuple.general(s, 0, len), FrameTuple.locate(s, 0, len), "byte " + at + " = " + value + ", length " + len);
    }
}
