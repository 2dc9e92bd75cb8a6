package io.flexnet.pipeline;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;

/**
 * Reads a selector needs before {@code eth_rcv} has parsed anything, bounds-checked against the frame:
 * a malformed frame yields -1 (and the layers then drop it under its real reason), never an exception.
 */
public final class Selectors {
    private Selectors() {}

    /**
     * The UDP or TCP destination port of an IPv4 frame (802.1Q tag and IP options allowed), or -1 when
     * the frame is not one or is too short. Uses the parsed value when {@code udp_rcv} already ran.
     */
    public static int dstPort(Packet p) {
        if (p.dstPort != 0) return p.dstPort;
        MemorySegment s = p.segment();
        int off = p.offset, len = p.length;
        if (len < EthernetHeader.HEADER_LENGTH + 20 + 4) return -1;
        long typeOff = EthernetHeader.etherTypeOffset(s, off);
        long ip = typeOff + 2;
        if (Bytes.u16(s, typeOff) != EthernetHeader.TYPE_IPV4) return -1;
        int vihl = Bytes.u8(s, ip);
        int ihl = (vihl & 0xF) << 2;
        int proto = Bytes.u8(s, ip + 9);
        if (vihl >>> 4 != 4 || ihl < 20 || (proto != 17 && proto != 6)) return -1;
        if ((Bytes.u16(s, ip + 6) & 0x1FFF) != 0) return -1;  // a later fragment carries no ports
        long l4 = ip + ihl;
        if (l4 + 4 > off + len) return -1;
        return Bytes.u16(s, l4 + 2);
    }
}
