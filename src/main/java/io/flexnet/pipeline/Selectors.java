package io.flexnet.pipeline;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.FrameTuple;
import io.flexnet.packet.Packet;

/**
 * Reads a selector needs before {@code eth_rcv} has parsed anything, bounds-checked against the frame:
 * a malformed frame yields -1 (and the layers then drop it under its real reason), never an exception.
 */
public final class Selectors {
    private Selectors() {}

    /**
     * The UDP or TCP destination port of an unfragmented IPv4 frame (VLAN tags and IP options allowed),
     * or -1 when the frame is not one (see {@link FrameTuple}). Uses the parsed value when
     * {@code udp_rcv} already ran.
     */
    public static int dstPort(Packet p) {
        if (p.dstPort != 0) return p.dstPort;
        long t = FrameTuple.locate(p.segment(), p.offset, p.length);
        return t == FrameTuple.NONE ? -1 : Bytes.u16(p.segment(), FrameTuple.l4(t) + 2);
    }
}
