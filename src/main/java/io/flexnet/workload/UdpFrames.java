package io.flexnet.workload;

import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;

/**
 * Writes complete UDP/IPv4/Ethernet frames with correct checksums — what a load generator or a test
 * puts on the wire. {@link #writeHeaders} works in place around a payload already in a slot, so a
 * generator fills pooled slots without copying or allocating.
 */
public final class UdpFrames {
    /** Ethernet + IPv4 (no options) + UDP. */
    public static final int HEADERS = EthernetHeader.HEADER_LENGTH + 20 + 8;

    private UdpFrames() {}

    /**
     * Writes the three headers at {@code off} for a payload of {@code payloadLength} bytes that is
     * already at {@code off + HEADERS}; returns the frame length. TTL 64, DF set, identification
     * {@code id}, UDP checksum filled.
     */
    public static int writeHeaders(MemorySegment s, long off, long dstMac, long srcMac, int srcIp, int dstIp,
                                   int srcPort, int dstPort, int payloadLength, int id) {
        EthernetHeader.write(s, off, dstMac, srcMac, EthernetHeader.TYPE_IPV4);
        long ip = off + EthernetHeader.HEADER_LENGTH;
        int udpLength = 8 + payloadLength;
        Ipv4Header.write(s, ip, 0, 20 + udpLength, id & 0xFFFF, Ipv4Header.FLAG_DF, 64, 17, srcIp, dstIp);
        long udp = ip + 20;
        UdpHeader.srcPort(s, udp, srcPort);
        UdpHeader.dstPort(s, udp, dstPort);
        UdpHeader.length(s, udp, udpLength);
        UdpHeader.fillChecksum(s, udp, srcIp, dstIp);
        return HEADERS + payloadLength;
    }

    /** A new array holding the whole frame. For tests and set-up, not per packet. */
    public static byte[] frame(long dstMac, long srcMac, int srcIp, int dstIp, int srcPort, int dstPort,
                               byte[] payload) {
        byte[] f = new byte[HEADERS + payload.length];
        System.arraycopy(payload, 0, f, HEADERS, payload.length);
        writeHeaders(MemorySegment.ofArray(f), 0, dstMac, srcMac, srcIp, dstIp, srcPort, dstPort, payload.length, 1);
        return f;
    }
}
