// KOPI's scenario 2 against the kernel: tenant game shaped to 10 Mbit/s by tbf while db is unaffected.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.Await;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.PcapReader;
import io.flexnet.nic.Shell;
import io.flexnet.packet.Bytes;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.SocketSend;
import io.flexnet.runtime.RealRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack sends from two tenants' ports to the kernel over a TAP in a namespace: game offers 20
 * Mbit/s, db 4 Mbit/s. A prio qdisc puts db in band 0 (a pfifo) and game in band 1 (a tbf of 10
 * Mbit/s; a 60,000-byte burst, 48 ms of tokens, so a poller the loaded machine deschedules for a
 * while loses none). The kernel side is the judge: tcpdump in the namespace stamps every
 * frame as the kernel receives it, and the rates are computed from those stamps over the steady part
 * of the run (after the first half second, once the bucket's burst is spent). Each must be within
 * ±5%: game at 10 Mbit/s, db at what it offered.
 */
@Timeout(120)
class KopiShapingTest {
    static final int GAME_PORT = 27015, DB_PORT = 5432, SINK_PORT = 9;
    static final long TBF_RATE = 1_250_000;      // bytes/s: 10 Mbit/s
    static final long GAME_OFFER = 2_500_000;    // 20 Mbit/s
    static final long DB_OFFER = 500_000;        // 4 Mbit/s
    static final int PAYLOAD = 1000;             // 1042-byte frames
    static final long RUN_NANOS = 4_000_000_000L;

    @TempDir Path dir;

    @Test
    void gameIsShapedToTenMegabitsWhileDbIsNot() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("tcpdump", "tcpdump");
        Qdisc[] root = new Qdisc[1];
        double[][] r = measure(owners -> root[0] = new Prio(Classifier.byTenant(owners, Map.of("db", 0, "game", 1), 2),
                new Pfifo(4000), new Tbf(TBF_RATE, 60_000, 400_000), new FqCodel()), GAME_OFFER, DB_OFFER);
        Prio prio = (Prio) root[0];
        String report = String.format("game %.0f B/s over %.2f s, db %.0f B/s over %.2f s; %s", r[0][0], r[0][1], r[1][0],
                r[1][1], prio.stats().replace('\n', ' '));
        System.out.println("KOPI scenario 2: " + report);
        long gameFrameRate = TBF_RATE;                                      // tbf counts whole frames
        long dbFrameRate = DB_OFFER * (PAYLOAD + 42) / PAYLOAD;             // what db offers, with headers
        assertEquals(gameFrameRate, r[0][0], gameFrameRate * 0.05, report);
        assertEquals(dbFrameRate, r[1][0], dbFrameRate * 0.05, report);
        assertEquals(0, prio.band(0).dropped(), report);
        assertTrue(prio.band(1).overlimits() > 0, report);
    }

    /**
     * DRR 3:1 under a 10 Mbit/s tbf (tbf's child orders what it releases): both tenants offer 20
     * Mbit/s, so both stay backlogged, and the kernel must see db get three quarters of the link and
     * game one quarter, each share within ±5% of its own.
     */
    @Test
    void drrWeightsThreeToOneShareAShapedLink() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("tcpdump", "tcpdump");
        Qdisc[] root = new Qdisc[1];
        double[][] r = measure(owners -> root[0] = new Tbf(TBF_RATE, 60_000, 400_000,
                new Drr(new int[] {3, 1, 1}, 1514, 1500, Classifier.byTenant(owners, Map.of("db", 0, "game", 1), 2))),
                GAME_OFFER, GAME_OFFER);
        double db = r[1][0], game = r[0][0], share = db / (db + game);
        String report = String.format("db %.0f B/s, game %.0f B/s: db's share %.4f; %s", db, game, share,
                root[0].stats().replace('\n', ' '));
        System.out.println("DRR 3:1: " + report);
        assertEquals(0.75, share, 0.75 * 0.05, report);
        assertEquals(0.25, 1 - share, 0.25 * 0.05, report);
        assertEquals(TBF_RATE, db + game, TBF_RATE * 0.05, report);
    }

    /** Runs the two senders through {@code root} for {@link #RUN_NANOS}; returns {game, db} × {B/s, span s} as the kernel saw them. */
    private double[][] measure(java.util.function.Function<OwnerTable, Qdisc> root, long gameOffer, long dbOffer)
            throws Exception {
        Path file = dir.resolve("kernel-" + System.nanoTime() + ".pcap");
        try (PacketPool pool = new PacketPool(8192); KernelPeer peer = KernelPeer.open(pool)) {
            OwnerTable owners = new OwnerTable();
            owners.bind(OwnerTable.PROTO_UDP, GAME_PORT, new Owner("game", "games", "server"));
            owners.bind(OwnerTable.PROTO_UDP, DB_PORT, new Owner("db", "postgres", "postgres"));
            Qdisc qdisc = root.apply(owners);
            QdiscNic qdiscs = new QdiscNic(peer.nic(), () -> qdisc, RealRuntime.INSTANCE::nanoTime);
            NetConfig cfg = new NetConfig(KernelPeer.STACK_MAC, KernelPeer.stackIp(), KernelPeer.PREFIX, 0, 1500);
            ProtoStack stack = new ProtoStack(cfg, pool, p -> qdiscs.transmit(0, p), RealRuntime.INSTANCE);
            stack.arp().learnPermanent(KernelPeer.kernelIp(), peer.kernelMac());
            // -Z root: tcpdump would otherwise drop to a user who cannot write the test's directory.
            try (Shell.Spawned dump = peer.spawn("tcpdump", "-i", peer.ifname(), "-n", "-U", "-Z", "root",
                    "--time-stamp-precision=nano", "-w", file.toString(), "udp and dst host " + KernelPeer.KERNEL_IP)) {
                Await.until(Duration.ofSeconds(10), () -> Files.exists(file), () -> "tcpdump did not start");
                LockSupport.parkNanos(300_000_000L);  // let it attach before the first frame
                AtomicBoolean running = new AtomicBoolean(true);
                // The qdisc's own worker: releases what tbf held back as its tokens come in.
                Thread poller = Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        qdiscs.poll(System.nanoTime());
                        LockSupport.parkNanos(50_000);
                    }
                });
                long start = System.nanoTime(), sentGame = 0, sentDb = 0;
                while (System.nanoTime() - start < RUN_NANOS) {
                    long elapsed = System.nanoTime() - start;
                    while (sentGame * 1_000_000_000L < elapsed * gameOffer / PAYLOAD * PAYLOAD) {
                        send(stack, pool, GAME_PORT);
                        sentGame += PAYLOAD;
                    }
                    while (sentDb * 1_000_000_000L < elapsed * dbOffer / PAYLOAD * PAYLOAD) {
                        send(stack, pool, DB_PORT);
                        sentDb += PAYLOAD;
                    }
                    LockSupport.parkNanos(200_000);
                }
                running.set(false);
                poller.join();
                LockSupport.parkNanos(300_000_000L);
                dump.close();
            }
            qdiscs.close();
        }
        return new double[][] {rate(file, GAME_PORT, RUN_NANOS), rate(file, DB_PORT, RUN_NANOS)};
    }

    private static void send(ProtoStack stack, PacketPool pool, int srcPort) {
        Packet p = SocketSend.allocate(pool, new byte[PAYLOAD], 0, PAYLOAD);
        if (p == null) return;  // pool empty: the qdisc holds what it may; the rate check will say if it matters
        p.dstIp = KernelPeer.kernelIp();
        p.dstPort = SINK_PORT;
        p.srcPort = srcPort;
        stack.send(p);
    }

    /**
     * Bytes per second of frames from {@code srcPort} as the kernel stamped them, from half a second
     * after the first capture to shortly before the senders stopped; and the span in seconds.
     */
    private static double[] rate(Path file, int srcPort, long runNanos) throws Exception {
        long first = -1, from = 0, last = 0, bytes = 0;
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                byte[] f = r.frameBytes();
                if (f.length < 42 || Bytes.u16(java.lang.foreign.MemorySegment.ofArray(f), 34) != srcPort) continue;
                long t = r.timestampNanos();
                if (first < 0) first = t;
                if (t < first + 500_000_000L) continue;
                if (t > first + runNanos - 200_000_000L) break;   // only while both senders ran
                if (from == 0) from = t;
                else bytes += r.originalLength();  // bytes after the window's first frame, over the time since it
                last = t;
            }
        }
        double span = (last - from) / 1e9;
        return new double[] {span > 0 ? bytes / span : 0, span};
    }
}
