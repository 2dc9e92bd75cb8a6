package io.flexnet.proto.tcp;

import static io.flexnet.fixture.Frame.*;
import static io.flexnet.proto.tcp.TcpRig.*;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Decoded;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loss detection by time (RFC 8985) on the test clock: a tail loss is probed after 2·SRTT and
 * repaired without the 200 ms retransmission timeout; one SACK above a hole starts recovery once the
 * reordering window has passed; a lost retransmission is sent again once data sent after it arrived.
 */
class RackTlpTest {
    static final int SMSS = 1448;  // 1460 less the timestamps option

    /** An accepted connection with SACK and timestamps, {@code n} segments written and sent, none acknowledged. */
    private static StreamConnection sending(TcpRig r, int n) {
        Decoded synAck = TcpOptionsTest.openWithOptions(r, 1460);
        r.in(r.seg().seq(PEER_ISS + 1).ack(r.ourNxt).timestamps(101, synAck.tsVal));
        StreamConnection c = r.tcp.listener(PORT).accept();
        c.noDelay(true);
        c.write(new byte[n * SMSS], 0, n * SMSS);
        for (int i = 0; i < n; i++) assertEquals(r.ourNxt + (long) i * SMSS & 0xFFFF_FFFFL, r.sent().seq);
        r.nothingSent();
        return c;
    }

    private static List<Decoded> drain(TcpRig r) {
        List<Decoded> got = new ArrayList<>();
        while (!r.out.isEmpty()) got.add(r.sent());
        return got;
    }

    /** Segment 0 at {@code una} lost: three duplicate ACKs SACKing segments 1, 1-2 and 1-3. */
    private static void threeDuplicateAcks(TcpRig r, long una) {
        for (int k = 1; k <= 3; k++) {
            r.in(r.seg().seq(PEER_ISS + 1).ack(una).timestamps(101 + k, 0).sack(una + SMSS, una + (long) (k + 1) * SMSS));
        }
    }

    private static long count(TcpRig r, String name) { return r.tcp.counters().get(name); }

    @Test
    void aLostTailIsProbedAndRepairedLongBeforeTheRetransmissionTimeout() {
        try (TcpRig r = new TcpRig(TcpOptionsTest.withOptions())) {
            StreamConnection c = sending(r, 5);
            long una = r.ourNxt;
            r.advance(10 * MS);  // a 10 ms round trip: the first three arrive, the last two are lost
            r.in(r.seg().seq(PEER_ISS + 1).ack(una + 3L * SMSS).timestamps(102, 0));
            r.nothingSent();
            long srtt = ((Connection) c).rtt.srtt();
            assertTrue(srtt > 0 && srtt <= 10 * MS, "smoothed from the samples: " + srtt);
            long pto = 2 * srtt + 2 * MS;
            r.advance(pto - MS);  // the wheel's tick is 1 ms
            r.nothingSent();
            r.advance(2 * MS);
            Decoded probe = r.sent();
            assertEquals(una + 4L * SMSS & 0xFFFF_FFFFL, probe.seq, "the last segment again");
            assertEquals(SMSS, probe.payload.length);
            assertEquals(1, count(r, "tail-probes"));
            r.nothingSent();
            assertTrue(pto + MS < 200 * MS, "probed at " + pto + " ns, before the 200 ms RTO");
            // The probe's SACK: one segment above the hole, fewer than DupThresh; after the reordering
            // window (SRTT/4) the hole is lost and goes again, still far from the RTO.
            r.advance(10 * MS);
            r.in(r.seg().seq(PEER_ISS + 1).ack(una + 3L * SMSS).timestamps(103, 0).sack(una + 4L * SMSS, una + 5L * SMSS));
            r.advance(Math.max(srtt / 4, MS) + MS);  // the reordering window
            Decoded hole = r.sent();
            assertEquals(una + 3L * SMSS & 0xFFFF_FFFFL, hole.seq, "the hole below the SACKed probe");
            assertEquals(1, count(r, "rack-recoveries"));
            r.in(r.seg().seq(PEER_ISS + 1).ack(una + 5L * SMSS).timestamps(104, 0));
            assertEquals(0, count(r, "rto-expired"), "repaired without a timeout");
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void aFlightLostWholeHalvesTheWindowFromTheFlightNotFromThePipe() {
        try (TcpRig r = new TcpRig(TcpOptionsTest.withOptions())) {
            StreamConnection c = sending(r, 10);
            long una = r.ourNxt;
            r.advance(10 * MS);
            // Only the last of ten arrives (a burst dropped whole, as a lost super frame is); once the
            // reordering window passes, RACK calls the nine holes lost and recovery starts.
            r.in(r.seg().seq(PEER_ISS + 1).ack(una).timestamps(102, 0).sack(una + 9L * SMSS, una + 10L * SMSS));
            r.advance(10 * MS);
            assertTrue(count(r, "fast-recoveries") == 1, "recovery by time: " + r.stack.dropsByReason());
            // RFC 5681/6675: ssthresh from FlightSize (ten segments), not from the pipe (about none, with
            // every hole lost), which would leave two segments a round trip to repair nine.
            long ssthresh = ((Connection) c).cc.ssthresh;
            assertTrue(ssthresh >= 5L * SMSS, "ssthresh " + ssthresh + " from a flight of " + 10 * SMSS);
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void aLostRetransmissionIsSentAgainOnceLaterDataArrives() {
        try (TcpRig r = new TcpRig(TcpOptionsTest.withOptions())) {
            StreamConnection c = sending(r, 10);
            long una = r.ourNxt;
            r.advance(10 * MS);
            threeDuplicateAcks(r, una);  // fast retransmit of segment 0
            List<Decoded> first = drain(r);
            assertTrue(first.stream().anyMatch(d -> d.seq == (una & 0xFFFF_FFFFL)), "fast retransmit of the hole: " + first);
            // The rest of the flight arrives; more data goes while the retransmission is out.
            r.in(r.seg().seq(PEER_ISS + 1).ack(una).timestamps(105, 0).sack(una + SMSS, una + 10L * SMSS));
            drain(r);
            c.write(new byte[2 * SMSS], 0, 2 * SMSS);
            List<Decoded> fresh = drain(r);
            assertTrue(fresh.stream().anyMatch(d -> d.seq == (una + 11L * SMSS & 0xFFFF_FFFFL)), "new data after it: " + fresh);
            r.advance(20 * MS);
            r.in(r.seg().seq(PEER_ISS + 1).ack(una).timestamps(110, 0).sack(una + SMSS, una + 12L * SMSS));
            List<Decoded> again = drain(r);
            assertTrue(again.stream().anyMatch(d -> d.seq == (una & 0xFFFF_FFFFL)), "the hole once more: " + again);
            assertEquals(1, count(r, "lost-retransmits"));
            assertEquals(0, count(r, "rto-expired"));
            r.in(r.seg().seq(PEER_ISS + 1).ack(una + 12L * SMSS).timestamps(111, 0));
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void withoutLaterDeliveriesARetransmissionIsNotCalledLost() {
        try (TcpRig r = new TcpRig(TcpOptionsTest.withOptions())) {
            StreamConnection c = sending(r, 5);
            long una = r.ourNxt;
            r.advance(10 * MS);
            threeDuplicateAcks(r, una);  // segment 0 lost, 1..3 SACKed
            drain(r);
            r.advance(30 * MS);
            // The same SACK again: nothing sent after the retransmission has arrived, so no verdict yet.
            r.in(r.seg().seq(PEER_ISS + 1).ack(una).timestamps(110, 0).sack(una + SMSS, una + 4L * SMSS));
            List<Decoded> got = drain(r);
            assertTrue(got.stream().noneMatch(d -> d.seq == (una & 0xFFFF_FFFFL)), "no second resend: " + got);
            assertEquals(0, count(r, "lost-retransmits"));
            c.abort();
            r.discardSent();
        }
    }
}
