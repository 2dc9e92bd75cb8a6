package io.flexnet.proto.tcp;

import static io.flexnet.fixture.Frame.*;
import static io.flexnet.proto.tcp.TcpRig.*;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Decoded;
import io.flexnet.packet.DropReason;
import org.junit.jupiter.api.Test;

/** MSS clamping, window scaling, timestamps with PAWS, and SACK blocks as receiver (RFC 7323, RFC 2018). */
class TcpOptionsTest {

    static TcpConfig withOptions() {
        return TcpRig.plain().withOptions(true, true, true).withBuffers(256 * 1024, 256 * 1024);
    }

    /** A passive open with every option offered by the peer; returns our SYN-ACK. */
    static Decoded openWithOptions(TcpRig r, int mss) {
        r.tcp.listen(PORT, 4);
        r.in(r.seg().flags(SYN).seq(PEER_ISS).ack(0).mss(mss).sackPermitted().timestamps(100, 0).nop().windowScale(7));
        Decoded synAck = r.sent();
        r.iss = synAck.seq;
        r.ourNxt = r.iss + 1;
        return synAck;
    }

    @Test
    void synAckEchoesWhatThePeerOfferedAndScalesOurWindow() {
        try (TcpRig r = new TcpRig(withOptions())) {
            Decoded synAck = openWithOptions(r, 1460);
            assertEquals(SYN | ACK, synAck.flags);
            assertEquals(1460, synAck.mss, "our MSS: the MTU less 40");
            assertTrue(synAck.sackPermitted);
            assertTrue(synAck.hasTimestamps);
            assertEquals(100, synAck.tsEcr, "echoes the SYN's TSval");
            assertEquals(3, synAck.windowScale, "the least shift that advertises a 256 KiB buffer whole");
            assertEquals(65535, synAck.window, "a SYN's window is never scaled");
            r.in(r.seg().seq(PEER_ISS + 1).ack(r.ourNxt).timestamps(101, synAck.tsVal));
            StreamConnection c = r.tcp.listener(PORT).accept();
            // Data acked later carries the scaled window: 256 KiB >> 3.
            r.in(r.seg().seq(PEER_ISS + 1).ack(r.ourNxt).timestamps(102, synAck.tsVal).payload(1000));
            r.advance(41 * MS);
            Decoded ack = r.sent();
            assertEquals((256 * 1024 - 1000) >> 3, ack.window, "window in units of 2^3, less the unread 1000 bytes");
            assertTrue(ack.hasTimestamps);
            assertEquals(102, ack.tsEcr);
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void withoutThePeersOfferNoOptionIsUsed() {
        try (TcpRig r = new TcpRig(withOptions())) {
            r.tcp.listen(PORT, 4);
            r.in(r.seg().flags(SYN).seq(PEER_ISS).ack(0));
            Decoded synAck = r.sent();
            assertFalse(synAck.sackPermitted);
            assertFalse(synAck.hasTimestamps);
            assertEquals(-1, synAck.windowScale);
            assertEquals(1460, synAck.mss);
            r.in(r.seg().seq(PEER_ISS + 1).ack(synAck.seq + 1));
            StreamConnection c = r.tcp.listener(PORT).accept();
            // Without an MSS option the peer gets RFC 9293's 536 bytes per segment.
            c.noDelay(true);
            c.write(new byte[2000], 0, 2000);
            assertEquals(536, r.sent().payload.length);
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void thePeersMssIsClampedToASaneMinimumAndToOurMtu() {
        try (TcpRig r = new TcpRig(withOptions().withOptions(false, false, false))) {
            r.tcp.listen(PORT, 4);
            r.in(r.seg().flags(SYN).seq(PEER_ISS).ack(0).mss(8));
            Decoded synAck = r.sent();
            r.in(r.seg().seq(PEER_ISS + 1).ack(synAck.seq + 1));
            StreamConnection c = r.tcp.listener(PORT).accept();
            c.noDelay(true);
            c.write(new byte[300], 0, 300);
            assertEquals(TcpConfig.MIN_MSS, r.sent().payload.length, "an MSS of 8 is raised to the minimum");
            c.abort();
            r.discardSent();
        }
        try (TcpRig r = new TcpRig(withOptions().withOptions(false, false, false))) {
            r.tcp.listen(PORT, 4);
            r.in(r.seg().flags(SYN).seq(PEER_ISS).ack(0).mss(9000));
            Decoded synAck = r.sent();
            r.in(r.seg().seq(PEER_ISS + 1).ack(synAck.seq + 1));
            StreamConnection c = r.tcp.listener(PORT).accept();
            c.write(new byte[4000], 0, 4000);
            assertEquals(1460, r.sent().payload.length, "a jumbo MSS is held to our 1500-byte MTU");
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void pawsDropsASegmentWithAnOlderTimestampAndAcks() {
        try (TcpRig r = new TcpRig(withOptions())) {
            Decoded synAck = openWithOptions(r, 1460);
            r.in(r.seg().seq(PEER_ISS + 1).ack(r.ourNxt).timestamps(200, synAck.tsVal));
            StreamConnection c = r.tcp.listener(PORT).accept();
            r.in(r.seg().seq(PEER_ISS + 1).ack(r.ourNxt).timestamps(150, synAck.tsVal).payload(10));
            Decoded ack = r.sent();
            assertEquals(ACK, ack.flags);
            assertEquals(PEER_ISS + 1, ack.ack, "nothing accepted");
            r.nothingSent();
            assertEquals(1, r.tcp.rcv().drops().get(DropReason.TCP_PAWS));
            assertEquals(0, c.readable());
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void outOfOrderDataIsAckedAtOnceWithSackBlocksThenDeliveredWhenTheGapFills() {
        try (TcpRig r = new TcpRig(withOptions())) {
            Decoded synAck = openWithOptions(r, 1460);
            r.in(r.seg().seq(PEER_ISS + 1).ack(r.ourNxt).timestamps(101, synAck.tsVal));
            StreamConnection c = r.tcp.listener(PORT).accept();
            long base = PEER_ISS + 1;
            r.in(r.seg().seq(base + 1000).ack(r.ourNxt).timestamps(102, 0).payload(500));
            Decoded dup = r.sent();
            assertEquals(base, dup.ack, "a duplicate ACK");
            assertArrayEquals(new long[] {base + 1000, base + 1500}, dup.sack, "the block just received");
            r.in(r.seg().seq(base + 2000).ack(r.ourNxt).timestamps(103, 0).payload(500));
            Decoded dup2 = r.sent();
            assertArrayEquals(new long[] {base + 2000, base + 2500, base + 1000, base + 1500}, dup2.sack,
                    "the most recent block first (RFC 2018 §4)");
            r.nothingSent();
            r.in(r.seg().seq(base).ack(r.ourNxt).timestamps(104, 0).payload(1000));
            Decoded fill = r.sent();
            assertEquals(base + 1500, fill.ack, "the gap filled: ACK at once up to the next hole");
            assertArrayEquals(new long[] {base + 2000, base + 2500}, fill.sack);
            assertEquals(1500, c.readable());
            byte[] buf = new byte[1500];
            assertEquals(1500, c.read(buf, 0, 1500));
            for (int i = 0; i < 1000; i++) assertEquals((byte) (i * 7 + 1), buf[i], "byte " + i);
            for (int i = 1000; i < 1500; i++) assertEquals((byte) ((i - 1000) * 7 + 1), buf[i], "byte " + i);
            c.abort();
            r.discardSent();
        }
    }
}
