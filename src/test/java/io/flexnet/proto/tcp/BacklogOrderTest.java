package io.flexnet.proto.tcp;

import static io.flexnet.fixture.Frame.ACK;
import static io.flexnet.fixture.Frame.PSH;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import org.junit.jupiter.api.Test;

/**
 * Segments queued for a connection's owner keep their order against segments that arrive after the
 * owner let go. The interleaving this replays: the owner drains an empty backlog; a receiving thread
 * finds the connection owned and queues segment A; the owner lets go (and notifies its reader); the
 * receiving thread's next segment B finds the connection free. Processing B at once would put it
 * before A: the receiver would see a hole the wire never had, SACK it, and the peer would retransmit.
 */
class BacklogOrderTest {

    @Test
    void aSegmentTakingOwnershipGoesBehindTheSegmentsAlreadyQueued() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection sc = r.established();
            Connection c = (Connection) sc;
            long x = r.peerNxt, a = x + 4, b = a + 4;
            boolean[] once = {false};
            sc.notifier((conn, events) -> {
                if (once[0]) return;
                once[0] = true;
                // Owned by someone else while A arrives: A is queued, not processed.
                assertTrue(c.tryOwn());
                r.in(r.seg().flags(ACK | PSH).seq(a).ack(r.ourNxt).payload(TcpRig.text("AAAA")));
                Packet queuedA = c.backlog.relaxedPoll();
                assertNotNull(queuedA, "A waits in the backlog of an owned connection");
                c.release(r.cx);               // the owner lets go, its drain having found nothing
                assertTrue(c.backlog.offer(queuedA));  // A as it stands when the owner has just let go
                r.in(r.seg().flags(ACK | PSH).seq(b).ack(r.ourNxt).payload(TcpRig.text("BBBB")));
            });
            r.in(r.seg().flags(ACK | PSH).seq(x).ack(r.ourNxt).payload(TcpRig.text("XXXX")));
            assertTrue(once[0], "the reader was notified after the owner let go");
            byte[] buf = new byte[32];
            int n = sc.read(buf, 0, buf.length);
            assertEquals("XXXXAAAABBBB", new String(buf, 0, n));
            assertEquals(0, r.tcp.counters().get(Tcp.OUT_OF_ORDER), "no segment overtook a queued one");
            assertEquals(0, r.tcp.counters().get(Tcp.DUP_ACKS));
            sc.abort();
            r.discardSent();
        }
    }
}
