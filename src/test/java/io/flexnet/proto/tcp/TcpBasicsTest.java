package io.flexnet.proto.tcp;

import static io.flexnet.fixture.Frame.*;
import static io.flexnet.proto.tcp.TcpRig.*;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Decoded;
import io.flexnet.packet.DropReason;
import org.junit.jupiter.api.Test;

/** Handshakes, data both ways and closes on one stack, the peer played by injected segments. */
class TcpBasicsTest {

    @Test
    void passiveOpenAnswersSynWithSynAckAndCompletesOnAck() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            assertEquals(PORT, c.localPort());
            assertEquals(PEER_PORT, c.remotePort());
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void activeOpenSendsSynAndAcksTheSynAck() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.activeEstablished();
            assertTrue(c.localPort() >= 32768 && c.localPort() <= 60999, "ephemeral port " + c.localPort());
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void receivesDataIntoTheBufferAndDelaysTheAck() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            r.in(r.seg().flags(ACK | PSH).seq(r.peerNxt).ack(r.ourNxt).payload(text("hello")));
            r.nothingSent();  // delayed ACK
            byte[] buf = new byte[16];
            assertEquals(5, c.read(buf, 0, 16));
            assertEquals("hello", new String(buf, 0, 5));
            // The reader took a small message whole (request/response rule): its ACK waits for the
            // answer, or for the reader to come back and find nothing.
            r.nothingSent();
            assertEquals(0, c.read(buf, 0, 16));
            r.sent(ACK, r.ourNxt, r.peerNxt + 5);
            r.nothingSent();
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void theAnswerToASmallMessageCarriesItsAck() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            r.in(r.seg().flags(ACK | PSH).seq(r.peerNxt).ack(r.ourNxt).payload(text("ping")));
            byte[] buf = new byte[16];
            assertEquals(4, c.read(buf, 0, 16));
            r.nothingSent();
            assertEquals(4, c.write(text("pong"), 0, 4));
            r.sent(ACK | PSH, r.ourNxt, r.peerNxt + 4);  // one segment: the answer, acknowledging the request
            assertEquals(0, c.read(buf, 0, 16));
            r.nothingSent();                               // no pure ACK after it
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void delayedAckTimerAcksAfterFortyMilliseconds() {
        try (TcpRig r = new TcpRig()) {
            r.established();
            r.in(r.seg().flags(ACK | PSH).seq(r.peerNxt).ack(r.ourNxt).payload(text("hello")));
            r.nothingSent();
            r.advance(39 * MS);
            r.nothingSent();
            r.advance(2 * MS);
            r.sent(ACK, r.ourNxt, r.peerNxt + 5);
            r.nothingSent();
        }
    }

    @Test
    void everySecondFullSegmentIsAckedAtOnce() {
        try (TcpRig r = new TcpRig()) {
            r.established();
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt).payload(1460));
            r.nothingSent();
            r.in(r.seg().seq(r.peerNxt + 1460).ack(r.ourNxt).payload(1460));
            r.sent(ACK, r.ourNxt, r.peerNxt + 2920);
            r.nothingSent();
        }
    }

    @Test
    void sendsWrittenBytesAndStopsTheTimerOnTheirAck() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            assertEquals(5, c.write(text("world"), 0, 5));
            Decoded d = r.sent(ACK | PSH, r.ourNxt, r.peerNxt);
            assertEquals("world", new String(d.payload));
            r.nothingSent();
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt + 5));
            r.nothingSent();
            r.advance(5_000 * MS);  // no retransmission: all acknowledged
            r.nothingSent();
        }
    }

    @Test
    void retransmitsUnacknowledgedDataWhenTheTimerExpires() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            c.write(text("again"), 0, 5);
            r.sent(ACK | PSH, r.ourNxt, r.peerNxt);
            r.advance(1_500 * MS);  // the RTO after the handshake's sample is at least 200 ms
            Decoded d = r.sent(ACK | PSH, r.ourNxt, r.peerNxt);
            assertEquals("again", new String(d.payload));
            r.nothingSent();
            assertEquals(1, r.tcp.counters().get("retransmits"));
        }
    }

    @Test
    void activeCloseGoesThroughFinWaitAndTimeWait() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            c.close();
            r.sent(ACK | FIN, r.ourNxt, r.peerNxt);
            assertEquals(TcpState.FIN_WAIT_1, c.state());
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt + 1));
            assertEquals(TcpState.FIN_WAIT_2, c.state());
            r.nothingSent();
            r.in(r.seg().flags(ACK | FIN).seq(r.peerNxt).ack(r.ourNxt + 1));
            r.sent(ACK, r.ourNxt + 1, r.peerNxt + 1);
            assertEquals(TcpState.TIME_WAIT, c.state());
            assertEquals(1, r.tcp.connections());
            r.advance(2_001 * MS);
            r.nothingSent();
            assertEquals(0, r.tcp.connections(), "TIME_WAIT ended and the entry went");
        }
    }

    @Test
    void passiveCloseGoesThroughCloseWaitAndLastAck() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            r.in(r.seg().flags(ACK | FIN).seq(r.peerNxt).ack(r.ourNxt));
            r.sent(ACK, r.ourNxt, r.peerNxt + 1);
            assertEquals(TcpState.CLOSE_WAIT, c.state());
            assertEquals(-1, c.read(new byte[4], 0, 4), "end of stream");
            c.close();
            r.sent(ACK | FIN, r.ourNxt, r.peerNxt + 1);
            assertEquals(TcpState.LAST_ACK, c.state());
            r.in(r.seg().seq(r.peerNxt + 1).ack(r.ourNxt + 1));
            assertEquals(TcpState.CLOSED, c.state());
            r.nothingSent();
            assertEquals(0, r.tcp.connections());
        }
    }

    @Test
    void segmentToAPortWithoutListenerIsAnsweredWithReset() {
        try (TcpRig r = new TcpRig()) {
            r.in(r.seg().flags(SYN).seq(5000).ack(0));
            r.sent(RST | ACK, 0, 5001);
            r.nothingSent();
            r.in(r.seg().flags(ACK).seq(5000).ack(777));
            r.sent(RST, 777, 0);
            r.nothingSent();
            assertEquals(2, r.tcp.rcv().drops().get(DropReason.TCP_NO_LISTENER));
        }
    }

    @Test
    void aHalfOpenConnectionOfAClosedListenerIsResetWhenItsAckArrives() {
        try (TcpRig r = new TcpRig()) {
            Listener l = r.synReceived();
            l.close();
            r.in(r.seg().flags(ACK).seq(r.peerNxt).ack(r.ourNxt));
            r.sent(RST | ACK, r.ourNxt, r.peerNxt);
            r.nothingSent();
            assertEquals(0, r.tcp.connections());
            assertEquals(1, r.tcp.rcv().drops().get(DropReason.TCP_NO_LISTENER));
        }
    }

    /** A segment as the TAP hands it over with the kernel's verdict, or with none: its TCP sum spoiled. */
    private static void inWithSpoiledSum(TcpRig r, io.flexnet.fixture.Frame f, int verdict) {
        io.flexnet.packet.Packet p = f.in(r.pool);
        long sum = p.offset + 14 + 20 + 16;  // Ethernet, IPv4 without options, then the TCP checksum field
        p.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, sum, (byte) ~p.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, sum));
        p.csumVerdict = verdict;
        r.cx.setNow(r.clock.nanoTime());
        r.stack.receive(p, r.cx);
    }

    @Test
    void aSegmentNobodyVouchedForIsSummedAndOneTheDeviceVouchedForIsNot() {
        try (TcpRig r = new TcpRig()) {
            inWithSpoiledSum(r, r.seg().flags(SYN).seq(5000).ack(0), io.flexnet.packet.Packet.CSUM_NONE);
            r.nothingSent();
            assertEquals(1, r.tcp.rcv().drops().get(DropReason.BAD_TCP_CHECKSUM));
            // The kernel over a TAP with checksum offload: the field holds only part of the sum.
            inWithSpoiledSum(r, r.seg().flags(SYN).seq(5000).ack(0), io.flexnet.packet.Packet.CSUM_PARTIAL);
            assertEquals(io.flexnet.packet.Packet.CSUM_NONE, r.out.peek().csumVerdict,
                    "a reset made in the segment's slot must not ask the device to sum it again");
            r.sent(RST | ACK, 0, 5001);  // checks the sum we filled in
            r.nothingSent();
            assertEquals(1, r.tcp.rcv().drops().get(DropReason.BAD_TCP_CHECKSUM));
        }
    }

    @Test
    void anEarlyFinTakesEffectWhenTheDataBeforeItArrives() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            long start = r.peerNxt;
            r.in(r.seg().flags(ACK | FIN).seq(start + 4).ack(r.ourNxt).payload(text("BBBB")));
            r.sent(ACK, r.ourNxt, start);  // a hole: the duplicate ACK asks for it
            r.nothingSent();
            assertEquals(TcpState.ESTABLISHED, c.state(), "the FIN waits for the data before it");
            r.in(r.seg().flags(ACK | PSH).seq(start).ack(r.ourNxt).payload(text("AAAA")));
            r.sent(ACK, r.ourNxt, start + 9);  // eight bytes and the FIN, without the FIN sent again
            assertEquals(TcpState.CLOSE_WAIT, c.state());
            byte[] buf = new byte[16];
            assertEquals(8, c.read(buf, 0, 16));
            assertEquals("AAAABBBB", new String(buf, 0, 8));
            assertEquals(-1, c.read(buf, 0, 16), "the end of the stream after the data");
            r.nothingSent();
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void anEarlyFinBeyondTheWindowIsNotRemembered() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            long start = r.peerNxt;
            r.in(r.seg().flags(ACK | FIN).seq(start + 100_000).ack(r.ourNxt));
            r.sent(ACK, r.ourNxt, start);  // out of window: answered with an ACK and dropped
            r.in(r.seg().flags(ACK | PSH).seq(start).ack(r.ourNxt).payload(text("AAAA")));
            r.nothingSent();  // delayed ACK: nothing ended
            assertEquals(TcpState.ESTABLISHED, c.state());
            c.abort();
            r.discardSent();
        }
    }
}
