package io.flexnet.proto.tcp;

import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.TcpHeader;
import io.flexnet.proto.LayerContext;

/**
 * The receiver's side of a segment's text (RFC 9293 §3.10.7.4 seventh): trimmed to RCV.NXT and to the
 * window, in-order bytes appended to the receive buffer (then whatever stored out-of-order data now
 * touches them), out-of-order bytes stored in the same buffer ahead of its readable end and recorded in
 * the bounded {@link Reassembly}; and when to acknowledge — at once for out-of-order data, gap fills
 * and duplicates (RFC 5681 §4.2) and in quick-ACK mode, at least every second full segment, else on the
 * delayed-ACK timer.
 */
final class Data {
    private Data() {}

    static int receive(Connection c, Packet p, Segment g, LayerContext cx, boolean mayKeep) {
        int seq = g.seq;
        int len = g.len;
        long off = g.dataOffset;
        if (Seq.lt(seq, c.rcvNxt)) {
            int d = c.rcvNxt - seq;
            if (d >= len) {
                Emitter.ack(c, cx);  // all old: the peer missed our ACK
                c.tcp.count(Tcp.DUPLICATE_DATA, cx);
                return Input.CONSUMED;
            }
            seq += d;
            off += d;
            len -= d;
        }
        final int free = c.rcvBuf.free();
        int end = Seq.min(c.rcvAdvRight, c.rcvNxt + free);
        if (Seq.gt(seq + len, end)) len = end - seq;
        if (len <= 0) {
            Emitter.ack(c, cx);
            return Input.drop(DropReason.TCP_OUT_OF_WINDOW);
        }
        if (seq != c.rcvNxt) {
            int at = c.rcvBuf.size() + (seq - c.rcvNxt);
            if (!c.ooo.add(c.rcvNxt, seq, seq + len)) {
                Emitter.ack(c, cx);
                return Input.drop(DropReason.TCP_OOO_FULL);
            }
            c.rcvBuf.writeAt(at, g.slot, off, len);
            c.tcp.count(Tcp.OUT_OF_ORDER, cx);
            Emitter.ack(c, cx);  // a duplicate ACK, with SACK blocks, at once
            return Input.CONSUMED;
        }
        if (mayKeep && c.inPlace && c.rcvBuf.size() == 0 && c.ooo.ranges() == 0 && !g.has(TcpHeader.FIN)
                && len == g.len) {
            // Run to completion: the application reads the bytes where they lie and answers in this slot.
            c.rcvNxt += len;
            p.payloadOffset = (int) off;
            p.payloadLength = len;
            c.rcvUnacked += len;
            // The answer will carry the ACK, if the application has one; a stream of segments it only
            // takes (a request longer than a segment, a bulk upload) is acknowledged every second full
            // segment all the same (RFC 5681 §4.2), not left to the delayed-ACK timer.
            if (c.rcvUnacked >= 2 * fullSegment(c)) {
                Emitter.ack(c, cx);
            } else if (c.delackAt == Long.MAX_VALUE) {
                c.delackAt = cx.now() + c.tcp.config().delayedAck();
                c.arm(c.delackAt);
            }
            return Input.IN_PLACE;
        }
        c.rcvBuf.writeAt(c.rcvBuf.size(), g.slot, off, len);
        c.rcvBuf.commit(len);
        c.rcvNxt += len;
        c.events |= StreamConnection.READABLE;
        boolean filled = false;
        if (c.ooo.ranges() > 0) {
            int next = c.ooo.advance(c.rcvNxt);
            if (next != c.rcvNxt) {
                c.rcvBuf.commit(next - c.rcvNxt);
                c.rcvNxt = next;
            }
            filled = true;
        }
        c.rcvUnacked += len;
        // A FIN now in order (this segment's, or an early one the data reached) is acknowledged with
        // the data by Input's FIN step: one ACK, not two.
        if (g.has(TcpHeader.FIN) && c.rcvNxt == g.seq + g.len || c.finPending && c.finSeq == c.rcvNxt) return Input.CONSUMED;
        if (filled || c.quickAcks > 0 || c.rcvUnacked >= 2 * fullSegment(c)) {
            if (c.quickAcks > 0) c.quickAcks--;
            Emitter.ack(c, cx);
        } else if (c.delackAt == Long.MAX_VALUE) {
            c.delackAt = cx.now() + c.tcp.config().delayedAck();
            c.arm(c.delackAt);
        }
        return Input.CONSUMED;
    }

    /** A full-sized segment's data from the peer: its MSS less the timestamp option when that is on. */
    private static int fullSegment(Connection c) {
        return Math.max(1, c.rcvMss - (c.tsOk ? Emitter.TS_LEN : 0));
    }
}
