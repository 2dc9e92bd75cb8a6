package io.flexnet.proto.tcp;

import static io.flexnet.fixture.Frame.*;
import static io.flexnet.proto.tcp.TcpRig.*;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 100,000 SYNs from spoofed sources fill the listener's SYN backlog and are answered with SYN cookies
 * past it: the connection table and its objects stay within the backlog, every slot comes back, and a
 * legitimate client still completes its handshake (on a cookie) and exchanges data.
 */
class TcpSynFloodTest {

    @Test
    void aFloodOfSpoofedSynsKeepsMemoryBoundedAndALegitimateClientConnects() {
        TcpConfig cfg = TcpRig.plain().withSynBacklog(128, true);
        try (TcpRig r = new TcpRig(cfg)) {
            r.stack.arp().learn(Hosts.GATEWAY.ip(), Hosts.GATEWAY.mac());
            Listener l = r.tcp.listen(PORT, 64);
            SplittableRandom rnd = new SplittableRandom(1);
            int synAcks = 0;
            for (int i = 0; i < 100_000; i++) {
                int src = 0x6440_0000 | rnd.nextInt(1 << 22);  // 100.64.0.0/10, off-link: answered via the gateway
                Frame syn = Frame.tcp().from(Hosts.GATEWAY).to(Hosts.US).ipSrc(src)
                        .ports(1024 + rnd.nextInt(60000), PORT).flags(SYN).seq(rnd.nextInt() & 0xFFFF_FFFFL).ack(0).mss(1460);
                r.in(syn);
                while (!r.out.isEmpty()) {
                    r.out.poll().release();
                    synAcks++;
                }
                if (i % 10_000 == 0) r.advance(MS);
            }
            assertEquals(100_000, synAcks, "every SYN answered: a SYN-ACK or a cookie");
            assertEquals(128, r.tcp.stateCounts().getOrDefault(TcpState.SYN_RECEIVED, 0), "the SYN backlog holds 128");
            assertEquals(100_000 - 128, r.tcp.counters().get("syn-cookies-sent"));
            assertTrue(r.tcp.connectionObjects() <= 128, "connection objects made: " + r.tcp.connectionObjects());
            assertEquals(r.pool.capacity(), r.pool.available(), "no slot held by the flood");

            // The legitimate client, under the flood: its SYN gets a cookie, its ACK makes the connection.
            r.in(r.seg().flags(SYN).seq(PEER_ISS).ack(0).mss(1460));
            Decoded synAck = r.sent();
            assertEquals(SYN | ACK, synAck.flags);
            assertEquals(1460, synAck.mss, "a cookie's SYN-ACK still says our MSS");
            r.in(r.seg().flags(ACK | PSH).seq(PEER_ISS + 1).ack(synAck.seq + 1).payload(text("GET /")));
            StreamConnection c = l.accept();
            assertNotNull(c, "the cookie's ACK made an established connection");
            assertEquals(TcpState.ESTABLISHED, c.state());
            byte[] buf = new byte[16];
            assertEquals(5, c.read(buf, 0, 16));
            assertEquals("GET /", new String(buf, 0, 5));
            r.discardSent();
            assertEquals(1, r.tcp.counters().get("syn-cookies-accepted"));

            // The half-open entries time out after their SYN-ACK retries, leaving the real connection.
            for (int s = 0; s < 300; s++) {
                r.advance(1_000 * MS);
                r.discardSent();
            }
            assertEquals(1, r.tcp.connections(), "only the legitimate connection is left: " + r.tcp.stateCounts());
            c.abort();
            r.discardSent();
        }
    }
}
