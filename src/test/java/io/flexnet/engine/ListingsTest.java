package io.flexnet.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.UdpHeader;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.CoroutineQueue.Concurrency;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.Selectors;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.SocketSend;
import io.flexnet.sched.BusyPollBatch;
import io.flexnet.sched.ExecContext;
import io.flexnet.sched.Executor;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.SleepUntilKicked;
import io.flexnet.workload.UdpFrames;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The FlexNet paper's Listings 1, 4, 5 and 6, run end to end on the in-memory NIC with the real
 * layers. Each test checks the frames that come out and on which thread every layer ran.
 */
class ListingsTest extends ListingRig {
    ListingsTest() { super(16384); }

    /** Counts and releases what it is offered, remembering the threads socket_rcv ran on. */
    static final class Sink implements Endpoint {
        final int id;
        final AtomicInteger count = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        /**
         * Holds the first datagrams until this many threads have delivered (or 10 s pass): on a loaded
         * machine one of two executors sharing a queue could otherwise drain it alone, and the test
         * is about both serving it.
         */
        volatile int awaitThreads = 1;

        Sink(int id) { this.id = id; }

        @Override public int id() { return id; }

        @Override
        public boolean offer(Packet p) {
            threads.add(Thread.currentThread().getName());
            count.incrementAndGet();
            p.release();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (threads.size() < awaitThreads && System.nanoTime() < deadline) Thread.onSpinWait();
            return true;
        }
    }

    static Endpoint open(int id) { return Endpoint.servedAtYield(id); }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(1);
        }
    }

    byte[] request(int srcPort, int dstPort, String payload) {
        return UdpFrames.frame(OUR_MAC, PEER_MAC, PEER_IP, OUR_IP, srcPort, dstPort,
                payload.getBytes(StandardCharsets.US_ASCII));
    }

    void inject(byte[] frame) throws InterruptedException {
        while (!nic.inject(frame)) Thread.sleep(0, 100_000);  // pool or queue momentarily full
    }

    @Test
    void listing1SteersAHighPriorityPortToTwoExecutorsAndTheRestToOne() throws Exception {
        Sink hiSink = new Sink(1), loSink = new Sink(2);
        hiSink.awaitThreads = 2;
        stack.ports().bind(9000, hiSink);
        stack.ports().bind(9001, loSink);
        CoroutineQueue hi = engine.queue("hi", 16384, Concurrency.MPMC);
        CoroutineQueue lo = engine.queue("lo", 16384, Concurrency.SPSC);
        Traced eth = new Traced(stack.ethRcv()), ip = new Traced(stack.ipRcv());
        Traced udp = new Traced(stack.udpRcv()), sock = new Traced(stack.socketRcv());
        Pipeline rx = engine.rx("listing1")
                .queue(p -> Selectors.dstPort(p) == 9000 ? 0 : 1, hi, lo)
                .layer(eth).layer(ip).layer(udp).layer(sock)
                .build();
        engine.poll(0, rx, 32, "nic", new SleepUntilKicked());
        engine.worker("hi0", new SleepUntilKicked(), new RoundRobinExecutor(16, hi));
        engine.worker("hi1", new SleepUntilKicked(), new RoundRobinExecutor(16, hi));
        engine.worker("lo0", new SleepUntilKicked(), new RoundRobinExecutor(16, lo));
        engine.start();
        int n = 5000;
        for (int i = 0; i < n; i++) {
            inject(request(40000 + i % 50, 9000, "hi" + i));
            inject(request(40000 + i % 50, 9001, "lo" + i));
        }
        await("all datagrams delivered", () -> hiSink.count.get() == n && loSink.count.get() == n);

        assertEquals(Set.of("flexnet-lo0"), loSink.threads, "the rest is served by one executor");
        assertTrue(Set.of("flexnet-hi0", "flexnet-hi1").containsAll(hiSink.threads), hiSink.threads.toString());
        for (Traced t : List.of(eth, ip, udp, sock)) {
            assertFalse(t.threads.contains("flexnet-nic"), t.name() + " must run after the queue, not on the NIC poller");
            assertEquals(2L * n, t.calls.get(), t.name());
        }
        assertEquals(Set.of("flexnet-hi0", "flexnet-hi1", "flexnet-lo0"), eth.threads,
                "both high-priority executors and the low one ran eth_rcv");
    }

    @Test
    void listing4RunsSocketSendOnTheApplicationThreadAndTheRestOnAStackWorker() throws Exception {
        CoroutineQueue txq = engine.queue("tx", 4096, Concurrency.MPSC);
        Traced sockSend = new Traced(stack.socketSend()), udpSend = new Traced(stack.udpSend());
        Traced ipSend = new Traced(stack.ipSend()), ethSend = new Traced(stack.ethSend());
        Pipeline tx = engine.track(engine.tx("listing4")
                .layer(sockSend).queue(p -> 0, txq).layer(udpSend).layer(ipSend).layer(ethSend)
                .build());
        engine.worker("stack0", new SleepUntilKicked(), new RoundRobinExecutor(16, txq));
        engine.start();

        int n = 200;
        Thread app = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                byte[] payload = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
                Packet p = SocketSend.allocate(pool, payload, 0, payload.length);
                p.dstIp = PEER_IP;
                p.dstPort = 5000;
                p.srcPort = 4000;
                engine.start(tx, p);
            }
        }, "app");
        app.start();
        app.join();

        ConcurrentLinkedQueue<String> payloads = new ConcurrentLinkedQueue<>();
        await("frames transmitted", () -> {
            nic.drainTx(0, (q, p) -> payloads.add(checkUdpToPeer(p, 4000, 5000)), 1024);
            return payloads.size() == n;
        });
        for (int i = 0; i < n; i++) assertTrue(payloads.contains("datagram " + i));
        assertEquals(Set.of("app"), sockSend.threads);
        for (Traced t : List.of(udpSend, ipSend, ethSend)) {
            assertEquals(Set.of("flexnet-stack0"), t.threads, t.name() + " was relocated to the stack worker");
        }
    }

    @Test
    void listing5AnswersInPlaceAndSendsTheReplyFromTheSameSlot() throws Exception {
        stack.ports().bind(7, open(7));
        Map<String, Integer> slotOfRequest = new ConcurrentHashMap<>();
        Set<String> appThreads = ConcurrentHashMap.newKeySet();
        Application upper = upperCaseInPlace(slotOfRequest, appThreads);
        CoroutineQueue q = engine.queue("rtc", 4096, Concurrency.SPSC);
        Traced ethRcv = new Traced(stack.ethRcv()), ethSend = new Traced(stack.ethSend());
        Pipeline rtc = engine.rxTx("listing5")
                .queue(p -> 0, q).layer(ethRcv).ip().l4().yieldTo(upper).l4().ip().layer(ethSend)
                .build();
        engine.poll(0, rtc, 32, "nic", new SleepUntilKicked());
        engine.worker("rtc0", new SleepUntilKicked(), new RoundRobinExecutor(32, q));
        engine.start();

        int n = 300;
        for (int i = 0; i < n; i++) inject(request(3333, 7, "request " + i));
        Map<String, Integer> slotOfReply = new ConcurrentHashMap<>();
        await("replies", () -> {
            nic.drainTx(0, (qq, p) -> slotOfReply.put(checkUdpToPeer(p, 7, 3333), p.index()), 1024);
            return slotOfReply.size() == n;
        });
        for (int i = 0; i < n; i++) {
            Integer slot = slotOfReply.get(("REQUEST " + i));
            assertNotNull(slot, "reply to request " + i);
            assertEquals(slotOfRequest.get("request " + i), slot, "same buffer for request and reply");
        }
        assertEquals(Set.of("flexnet-rtc0"), appThreads, "the application ran in the coroutine, on its worker");
        assertEquals(Set.of("flexnet-rtc0"), ethRcv.threads);
        assertEquals(Set.of("flexnet-rtc0"), ethSend.threads, "the same coroutine transmitted the reply");
    }

    @Test
    void listing6ResumesInBatchesWithBusyPolling() throws Exception {
        Sink sink = new Sink(1);
        stack.ports().bind(9000, sink);
        CoroutineQueue q = engine.queue("batch", 16384, Concurrency.SPSC);
        Pipeline rx = engine.rx("listing6").queue(p -> 0, q).eth().ip().l4().socket().build();
        BusyPollBatch batch = new BusyPollBatch(q, 8, 20_000, engine.runtime());
        AtomicInteger largest = new AtomicInteger();
        Executor observed = new Executor() {
            public int doWork(ExecContext ctx) {
                int n = batch.doWork(ctx);
                largest.accumulateAndGet(n, Math::max);
                return n;
            }
            public List<CoroutineQueue> queues() { return batch.queues(); }
        };
        engine.poll(0, rx, 64, "nic", IdleStrategy.yielding());
        engine.worker("poll0", IdleStrategy.busySpin(), observed);
        engine.start();
        int n = 4000;
        for (int i = 0; i < n; i++) inject(request(1000 + i % 7, 9000, "x" + i));
        await("delivered", () -> sink.count.get() == n);
        assertTrue(largest.get() > 1 && largest.get() <= 8, "batches of up to 8, saw " + largest.get());
        assertEquals(Set.of("flexnet-poll0"), sink.threads);
    }

    /** Checks a transmitted frame is a well-formed UDP datagram to the peer; returns its payload. */
    static String checkUdpToPeer(Packet p, int srcPort, int dstPort) {
        MemorySegment s = p.segment();
        int off = p.offset;
        assertEquals(PEER_MAC, Bytes.u48(s, off), "destination MAC from ARP");
        assertEquals(OUR_MAC, Bytes.u48(s, off + 6));
        assertEquals(EthernetHeader.TYPE_IPV4, EthernetHeader.etherType(s, off));
        long ip = off + EthernetHeader.HEADER_LENGTH;
        assertTrue(Ipv4Header.checksumOk(s, ip), "IPv4 checksum");
        assertEquals(OUR_IP, Ipv4Header.src(s, ip));
        assertEquals(PEER_IP, Ipv4Header.dst(s, ip));
        assertEquals(p.length - EthernetHeader.HEADER_LENGTH, Ipv4Header.totalLength(s, ip));
        long udp = ip + 20;
        assertEquals(srcPort, UdpHeader.srcPort(s, udp));
        assertEquals(dstPort, UdpHeader.dstPort(s, udp));
        assertTrue(UdpHeader.checksumOk(s, udp, OUR_IP, PEER_IP), "UDP checksum");
        int len = UdpHeader.length(s, udp) - 8;
        return new String(s.asSlice(udp + 8, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }
}
