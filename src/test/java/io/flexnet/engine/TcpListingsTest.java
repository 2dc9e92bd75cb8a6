package io.flexnet.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.TcpHeader;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.CoroutineQueue.Concurrency;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.Selectors;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.LayerKind;
import io.flexnet.proto.SocketSend;
import io.flexnet.proto.tcp.Listener;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.SleepUntilKicked;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The FlexNet paper's Listings 1, 4 and 5 with TCP instead of UDP: the pipelines are those of
 * {@link ListingsTest}, and {@code .l4()} now dispatches to {@code tcp_rcv}/{@code tcp_send}. Each test
 * checks the bytes that arrive and on which thread every layer ran; the peer is a stack of ours pumped
 * by the test thread.
 */
class TcpListingsTest extends ListingRig {
    TcpPeer peer;

    TcpListingsTest() { super(8192); }

    @BeforeEach
    void setUpPeer() {
        peer = new TcpPeer(nic, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP);
    }

    @Override
    void afterShutdown() {
        assertEquals(peer.pool.capacity(), peer.pool.available(), "peer pool balance");
    }

    /** Records, per destination port, the threads a layer ran on. */
    static final class ByPort implements Layer {
        final Layer inner;
        final Map<Integer, Set<String>> threads = new ConcurrentHashMap<>();

        ByPort(Layer inner) { this.inner = inner; }

        @Override public String name() { return inner.name(); }
        @Override public LayerKind kind() { return inner.kind(); }

        @Override
        public int process(Packet p, LayerContext cx) {
            int port = TcpHeader.dstPort(p.segment(), p.l4Offset);
            threads.computeIfAbsent(port, k -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
            return inner.process(p, cx);
        }
    }

    /** What the peer is shown of each frame the engine sent, before taking it in. */
    java.util.function.Consumer<Packet> seen = p -> { };

    void pumpUntil(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!done.getAsBoolean()) {
            peer.pump(seen);
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
        }
    }

    static byte pattern(long i) { return (byte) ((i * 131 + (i >>> 9) * 7) % 251); }

    /** Sends {@code bytes} from the peer over {@code c} and reads them at {@code s}, byte-exact. */
    void transfer(StreamConnection from, StreamConnection to, int bytes) {
        byte[] buf = new byte[16384];
        long[] written = {0}, read = {0};
        pumpUntil("transfer", () -> {
            while (written[0] < bytes) {
                int n = (int) Math.min(buf.length, bytes - written[0]);
                for (int i = 0; i < n; i++) buf[i] = pattern(written[0] + i);
                int w = from.write(buf, 0, n);
                written[0] += w;
                if (w < n) break;
            }
            byte[] in = new byte[16384];
            for (int n; (n = to.read(in, 0, in.length)) > 0; read[0] += n) {
                for (int i = 0; i < n; i++) assertEquals(pattern(read[0] + i), in[i], "byte " + (read[0] + i));
            }
            return read[0] == bytes;
        });
    }

    StreamConnection accept(Listener l, StreamConnection client) {
        StreamConnection[] s = {null};
        pumpUntil("accept", () -> (s[0] = s[0] != null ? s[0] : l.accept()) != null && client.state() == TcpState.ESTABLISHED);
        return s[0];
    }

    @Test
    void listing1SteersAHighPriorityPortToTwoExecutorsAndTheRestToOne() {
        Listener hiL = engine.tcp().listen(9000, 8), loL = engine.tcp().listen(9001, 8);
        CoroutineQueue hi = engine.queue("hi", 8192, Concurrency.MPMC);
        CoroutineQueue lo = engine.queue("lo", 8192, Concurrency.SPSC);
        ByPort l4 = new ByPort(stack.l4Rcv());
        Traced eth = new Traced(stack.ethRcv());
        Pipeline rx = engine.rx("listing1-tcp")
                .queue(p -> Selectors.dstPort(p) == 9000 ? 0 : 1, hi, lo)
                .layer(eth).ip().layer(l4).socket()
                .build();
        engine.poll(0, rx, 32, "nic", new SleepUntilKicked());
        engine.worker("hi0", new SleepUntilKicked(), new RoundRobinExecutor(16, hi));
        engine.worker("hi1", new SleepUntilKicked(), new RoundRobinExecutor(16, hi));
        engine.worker("lo0", new SleepUntilKicked(), new RoundRobinExecutor(16, lo));
        engine.start();

        StreamConnection hiC = peer.tcp.connect(OUR_IP, 9000), loC = peer.tcp.connect(OUR_IP, 9001);
        StreamConnection hiS = accept(hiL, hiC), loS = accept(loL, loC);
        transfer(hiC, hiS, 1 << 20);
        transfer(loC, loS, 1 << 20);

        assertEquals(Set.of("flexnet-lo0"), l4.threads.get(9001), "the rest: tcp_rcv on the one low executor");
        assertTrue(Set.of("flexnet-hi0", "flexnet-hi1").containsAll(l4.threads.get(9000)), l4.threads.toString());
        assertFalse(eth.threads.contains("flexnet-nic"), "eth_rcv runs after the queue, not on the NIC poller");
        for (StreamConnection c : new StreamConnection[] {hiC, loC, hiS, loS}) c.abort();
        quiesce();
    }

    @Test
    void listing4RunsSocketSendOnTheApplicationThreadAndTheRestOnAStackWorker() throws Exception {
        Listener l = peer.tcp.listen(5000, 8);
        Pipeline rx = engine.rx("rx").eth().ip().l4().socket().build();
        engine.poll(0, rx, 32, "nic", new SleepUntilKicked());
        CoroutineQueue txq = engine.queue("tx", 4096, Concurrency.MPSC);
        Traced sockSend = new Traced(stack.socketSend()), l4Send = new Traced(stack.l4Send());
        Traced ipSend = new Traced(stack.ipSend()), ethSend = new Traced(stack.ethSend());
        Pipeline tx = engine.track(engine.tx("listing4-tcp")
                .layer(sockSend).queue(p -> 0, txq).layer(l4Send).layer(ipSend).layer(ethSend)
                .build());
        engine.worker("stack0", new SleepUntilKicked(), new RoundRobinExecutor(16, txq));
        engine.start();

        StreamConnection ours = engine.tcp().connect(PEER_IP, 5000);
        StreamConnection theirs = accept(l, ours);
        ours.noDelay(true);
        int n = 200;
        Thread app = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                byte[] payload = String.format("message %03d;", i).getBytes(StandardCharsets.US_ASCII);
                while (ours.writable() < payload.length) Thread.onSpinWait();
                Packet p = SocketSend.allocate(pool, payload, 0, payload.length);
                p.protocol = Ipv4Header.PROTO_TCP;  // a stream socket's packet: tcp_send appends it to its connection
                p.dstIp = PEER_IP;
                p.dstPort = 5000;
                p.srcPort = ours.localPort();
                engine.start(tx, p);
            }
        }, "app");
        app.start();
        StringBuilder got = new StringBuilder();
        byte[] buf = new byte[4096];
        int want = n * "message 000;".length();
        pumpUntil("all messages", () -> {
            for (int k; (k = theirs.read(buf, 0, buf.length)) > 0; ) got.append(new String(buf, 0, k, StandardCharsets.US_ASCII));
            return got.length() == want;
        });
        app.join();
        for (int i = 0; i < n; i++) {
            assertEquals(String.format("message %03d;", i), got.substring(12 * i, 12 * i + 12), "in order, byte-exact");
        }
        assertEquals(Set.of("app"), sockSend.threads);
        for (Traced t : new Traced[] {l4Send, ipSend, ethSend}) {
            assertEquals(Set.of("flexnet-stack0"), t.threads, t.name() + " was relocated to the stack worker");
        }
        ours.abort();
        theirs.abort();
        quiesce();
    }

    @Test
    void listing5AnswersInPlaceAndSendsTheReplyFromTheSameSlot() {
        Listener l = engine.tcp().listen(7, 8);
        l.deliverInPlace(true);
        Map<String, Integer> slotOfRequest = new ConcurrentHashMap<>();
        Set<String> appThreads = ConcurrentHashMap.newKeySet();
        Application upper = upperCaseInPlace(slotOfRequest, appThreads);
        CoroutineQueue q = engine.queue("rtc", 4096, Concurrency.SPSC);
        Traced ethRcv = new Traced(stack.ethRcv()), ethSend = new Traced(stack.ethSend());
        Pipeline rtc = engine.rxTx("listing5-tcp")
                .queue(p -> 0, q).layer(ethRcv).ip().l4().yieldTo(upper).l4().ip().layer(ethSend)
                .build();
        engine.poll(0, rtc, 32, "nic", new SleepUntilKicked());
        engine.worker("rtc0", new SleepUntilKicked(), new RoundRobinExecutor(32, q));
        engine.start();

        StreamConnection client = peer.tcp.connect(OUR_IP, 7);
        accept(l, client);
        client.noDelay(true);
        Map<String, Integer> slotOfReply = new ConcurrentHashMap<>();
        seen = p -> {
            MemorySegment s = p.segment();
            long ip = p.offset + EthernetHeader.HEADER_LENGTH;
            long tcp = ip + 20;
            int len = Ipv4Header.totalLength(s, ip) - 20 - TcpHeader.headerLength(s, tcp);
            if (len > 0) {
                byte[] b = s.asSlice(tcp + TcpHeader.headerLength(s, tcp), len).toArray(ValueLayout.JAVA_BYTE);
                slotOfReply.put(new String(b, StandardCharsets.US_ASCII), p.index());
            }
        };
        byte[] buf = new byte[256];
        int n = 100;
        for (int i = 0; i < n; i++) {
            String req = "request " + i;
            byte[] b = req.getBytes(StandardCharsets.US_ASCII);
            assertEquals(b.length, client.write(b, 0, b.length));
            StringBuilder reply = new StringBuilder();
            pumpUntil("reply " + i, () -> {
                for (int k; (k = client.read(buf, 0, buf.length)) > 0; ) reply.append(new String(buf, 0, k, StandardCharsets.US_ASCII));
                return reply.length() >= b.length;
            });
            assertEquals(req.toUpperCase(), reply.toString());
        }
        for (int i = 0; i < n; i++) {
            Integer slot = slotOfReply.get("REQUEST " + i);
            assertNotNull(slot, "reply to request " + i + " seen");
            assertEquals(slotOfRequest.get("request " + i), slot, "same slot for request " + i + " and its reply");
        }
        assertEquals(Set.of("flexnet-rtc0"), appThreads, "the application ran in the coroutine, on its worker");
        assertEquals(Set.of("flexnet-rtc0"), ethRcv.threads);
        assertTrue(ethSend.threads.contains("flexnet-rtc0"), "the same coroutine transmitted the reply");
        assertEquals(n, engine.tcp().counters().get("in-place"), "every request answered in place");
        client.abort();
        quiesce();
    }

    /** Until both tables are empty and the NIC holds no frame: nothing is in flight at shutdown. */
    void quiesce() {
        pumpUntil("quiet", () -> engine.tcp().connections() == 0 && peer.tcp.connections() == 0
                && nic.rxDepth(0) == 0 && nic.txDepth(0) == 0);
    }
}
