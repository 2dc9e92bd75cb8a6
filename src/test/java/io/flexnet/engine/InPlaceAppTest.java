package io.flexnet.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.app.Resp;
import io.flexnet.app.StackAppServer;
import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.serve.EchoServer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The RESP server answering in place ({@code serve --design in-place}) on an in-memory NIC, a stack of
 * ours as the client: whole requests are answered from their own slot, a request split over two
 * segments and the end of the stream go the socket way, and every slot comes back.
 */
class InPlaceAppTest {
    static final long OUR_MAC = MacAddress.parse("02:00:c6:12:00:02"), PEER_MAC = MacAddress.parse("02:00:c6:12:00:01");
    static final int OUR_IP = Ip4.parse("198.18.0.2"), PEER_IP = Ip4.parse("198.18.0.1");

    @Test
    void wholeRequestsAreAnsweredFromTheirSlotAndTheRestTheSocketWay() throws Exception {
        PacketPool pool = new PacketPool(4096);
        InMemoryNic nic = InMemoryNic.builder(pool).queues(1).queueCapacity(4096).build();
        EchoServer server = new EchoServer(nic, new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), 7, false, RealRuntime.INSTANCE);
        server.stack().arp().learn(PEER_IP, PEER_MAC);
        StackAppServer resp = StackAppServer.on(server.engine(), server.stack(), new Resp(), 6379, 16);
        server.serveInPlace(resp);
        server.start();
        TcpPeer peer = new TcpPeer(nic, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP);
        try {
            StreamConnection c = peer.tcp.connect(OUR_IP, 6379);
            c.noDelay(true);
            pumpUntil(peer, "connected", () -> c.state() == TcpState.ESTABLISHED);

            assertEquals("+OK\r\n", ask(peer, c, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"));
            assertEquals("$5\r\nvalue\r\n", ask(peer, c, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
            assertEquals("+PONG\r\n".repeat(16), ask(peer, c, "*1\r\n$4\r\nPING\r\n".repeat(16)));
            long whole = resp.counters().get("answered-in-place");
            assertEquals(3, whole, "three whole requests, three answers from their slots: " + resp.counters());

            // Split over two segments: the first part waits in the exchange, the answer follows the rest.
            send(c, "*2\r\n$3\r\nGE");
            pumpUntil(peer, "the first part taken", () -> resp.counters().get("in-place") == 4);
            assertEquals("$5\r\nvalue\r\n", ask(peer, c, "T\r\n$1\r\nk\r\n"));
            assertEquals(5, resp.counters().get("in-place"), "both parts arrived in place: " + resp.counters());

            c.close();  // the end of the stream goes the socket way: the server closes its end too
            pumpUntil(peer, "closed both ways", () -> resp.open() == 0
                    && io.flexnet.proto.tcp.Tcp.of(server.stack()).connections() == 0 && c.state() == TcpState.TIME_WAIT);
            assertEquals(1, resp.counters().get("peer-closed"), resp.counters().toString());
            assertNull(resp.failure());
        } finally {
            resp.stop();
            server.stop();
            nic.drainTx(0, (q, p) -> { }, Integer.MAX_VALUE);
            nic.close();
        }
        assertEquals(pool.capacity(), pool.available(), "every slot back: " + server.engine().dropsByReason());
        assertEquals(peer.pool.capacity(), peer.pool.available(), "every peer slot back");
    }

    static void send(StreamConnection c, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        assertEquals(b.length, c.write(b, 0, b.length));
    }

    /** Sends {@code request} and reads until as many bytes came back as the answer has, at least one. */
    static String ask(TcpPeer peer, StreamConnection c, String request) {
        send(c, request);
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[4096];
        pumpUntil(peer, "an answer to " + request.trim(), () -> {
            for (int n; (n = c.read(buf, 0, buf.length)) > 0; ) got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            return got.length() > 0 && got.toString().endsWith("\r\n") && complete(got.toString());
        });
        return got.toString();
    }

    /** Whole RESP replies: every bulk string's bytes are there. */
    static boolean complete(String s) {
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) return false;
            if (s.charAt(i) == '$') {
                int len = Integer.parseInt(s.substring(i + 1, eol));
                i = eol + 2 + Math.max(len, 0) + (len >= 0 ? 2 : 0);
                if (i > s.length()) return false;
            } else {
                i = eol + 2;
            }
        }
        return true;
    }

    static void pumpUntil(TcpPeer peer, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean()) {
            peer.pump();
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
        }
    }
}
