package io.flexnet.proto.tcp;

import io.flexnet.packet.Packet;
import io.flexnet.packet.TcpHeader;
import io.flexnet.packet.TcpOptions;
import java.lang.foreign.MemorySegment;

/**
 * One arriving segment, read once from its slot into plain fields (RFC 9293's SEG.SEQ, SEG.ACK, SEG.LEN,
 * SEG.WND and the options), so the state machine classifies it without touching the slot again. Each
 * connection owns one, used only by the thread that owns the connection; nothing is allocated per segment.
 */
final class Segment {
    int seq, ack, flags, window;
    /** Payload bytes and where they start in the slot. */
    int len;
    long dataOffset;
    MemorySegment slot;
    /** Options: -1 when absent. */
    int mss = -1, wscale = -1;
    boolean sackPermitted, hasTs;
    int tsVal, tsEcr;
    int sackCount;
    final int[] sack = new int[8];
    private final TcpOptions opts = new TcpOptions();

    /**
     * Reads the TCP header at {@link Packet#l4Offset} of a segment {@code tcp_rcv} has checked (length,
     * checksum). Returns false when the options do not parse.
     */
    boolean read(Packet p) {
        final MemorySegment s = p.segment();
        final long l4 = p.l4Offset;
        slot = s;
        seq = (int) TcpHeader.seq(s, l4);
        ack = (int) TcpHeader.ack(s, l4);
        flags = TcpHeader.flags(s, l4);
        window = TcpHeader.window(s, l4);
        dataOffset = p.payloadOffset;
        len = p.payloadLength;
        mss = -1;
        wscale = -1;
        sackPermitted = false;
        hasTs = false;
        sackCount = 0;
        if (TcpHeader.headerLength(s, l4) == TcpHeader.MIN_HEADER_LENGTH) return true;
        opts.wrap(s, l4, p.offset + p.length - p.l4Offset);
        while (opts.next()) {
            switch (opts.kind()) {
                case TcpOptions.MSS -> mss = opts.mss();
                case TcpOptions.WINDOW_SCALE -> wscale = Math.min(opts.windowScale(), 14);  // RFC 7323 §2.3
                case TcpOptions.SACK_PERMITTED -> sackPermitted = true;
                case TcpOptions.TIMESTAMPS -> {
                    hasTs = true;
                    tsVal = (int) opts.tsVal();
                    tsEcr = (int) opts.tsEcr();
                }
                case TcpOptions.SACK -> {
                    int n = Math.min(opts.sackBlocks(), 4);
                    for (int i = 0; i < n; i++) {
                        sack[2 * i] = (int) opts.sackLeft(i);
                        sack[2 * i + 1] = (int) opts.sackRight(i);
                    }
                    sackCount = n;
                }
                default -> { }
            }
        }
        return !opts.malformed();
    }

    boolean has(int flag) { return (flags & flag) != 0; }

    /** SEG.LEN: payload plus one for SYN and one for FIN. */
    int seqLength() {
        return len + ((flags & TcpHeader.SYN) != 0 ? 1 : 0) + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
    }
}
