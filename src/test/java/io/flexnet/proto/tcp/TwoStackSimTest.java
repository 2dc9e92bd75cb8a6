package io.flexnet.proto.tcp;

import io.flexnet.packet.Checksum;

import io.flexnet.nic.Segmenter;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.FaultLink;
import io.flexnet.nic.Faults;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Packet;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Two of our stacks over a seeded faulty wire ({@link FaultLink}, one per direction) in virtual time: a 16 MiB transfer must arrive byte-exact
 * across a grid of loss, reordering and duplication, and every slot must come back. Prints goodput
 * against the ideal window/RTT for each point. The grid run by {@code mvn verify} is small; set
 * {@code -Dflexnet.tcp.simGrid=full} for loss 0-10% in steps with and without reordering and duplication.
 */
class TwoStackSimTest {
    static final long MS = 1_000_000L;
    static final int A_IP = Ip4.parse("198.18.0.1"), B_IP = Ip4.parse("198.18.0.2");
    static final long A_MAC = MacAddress.parse("02:00:00:00:00:01"), B_MAC = MacAddress.parse("02:00:00:00:00:02");

    /** The byte at position {@code i} of the transfer: a pattern whose period is not a power of two. */
    static byte pattern(long i) { return (byte) ((i * 131 + (i >>> 9) * 7 + (i >>> 17)) % 251); }

    record Result(long virtualNanos, long retransmits, long segments, long rtos, long recoveries) {}

    /** Moves frames that are due from a link into the other stack, copied into its pool as a NIC would. */
    static void deliver(FaultLink link, ProtoStack to, LayerContext cx) {
        link.poll((q, p) -> {
            byte[] f = p.toBytes();
            p.release();
            Packet in = to.pool().allocate(f, 0, f.length);
            if (in != null) to.receive(in, cx);
        });
    }

    /** What the wire between the stacks is. */
    enum Wire {
        /** Whole segments only, every sum in software. */
        PLAIN,
        /** Both stacks send TCP super frames (TSO), cut by the {@link Segmenter} before the wire, as a device would. */
        CUT,
        /** Both stacks send super frames, which cross the wire whole into jumbo slots: what GRO hands a stack. */
        WHOLE
    }

    static Result transfer(long seed, Faults faults, int bytes, TcpConfig cfg) {
        return transfer(seed, faults, bytes, cfg, Wire.PLAIN);
    }

    /** What the sender's device does with a frame before the wire takes it, for {@code wire}. */
    static void send(Wire wire, FaultLink link, Packet p, long[] superFrames) {
        if (wire == Wire.PLAIN) {
            link.offer(0, p);
            return;
        }
        if (p.gsoSize > 0) superFrames[0]++;
        if (wire == Wire.CUT && p.gsoSize > 0) {
            for (int i = 0, n = Segmenter.count(p); i < n; i++) {
                Packet q = Segmenter.segment(p, i, p.pool());
                assertNotNull(q, "a slot for segment " + i);
                assertTrue(q.length <= 1514, "segment " + i + " of " + q.length + " bytes fits the MTU");
                link.offer(0, q);
            }
            p.release();
            return;
        }
        if (p.csumVerdict == Packet.CSUM_PARTIAL) Checksum.completePartial(p);  // the device fills in the sum
        link.offer(0, p);
    }

    static ProtoStack stack(long mac, int ip, Wire wire, FaultLink link, ManualClock clock, long[] superFrames) {
        PacketPool pool = wire == Wire.PLAIN ? new PacketPool(1024) : PacketPool.withJumbo(1024, 64);
        ProtoStack s = new ProtoStack(new NetConfig(mac, ip, 24, 0, 1500), pool, p -> send(wire, link, p, superFrames), clock);
        if (wire != Wire.PLAIN) {
            s.offloadChecksums(true);
            s.offloadSegmentation(0xFFFF);
        }
        return s;
    }

    static Result transfer(long seed, Faults faults, int bytes, TcpConfig cfg, Wire wire) {
        ManualClock clock = new ManualClock(1_000_000_000L);
        FaultLink ab = new FaultLink("a-b", faults, seed, clock::nanoTime);
        FaultLink ba = new FaultLink("b-a", faults, seed * 31 + 1, clock::nanoTime);
        long[] superFrames = new long[1];
        ProtoStack a = stack(A_MAC, A_IP, wire, ab, clock, superFrames);
        ProtoStack b = stack(B_MAC, B_IP, wire, ba, clock, superFrames);
        PacketPool poolA = a.pool(), poolB = b.pool();
        a.arp().learn(B_IP, B_MAC);
        b.arp().learn(A_IP, A_MAC);
        Tcp ta = Tcp.attach(a, cfg), tb = Tcp.attach(b, cfg);
        Listener l = tb.listen(5001, 8);
        LayerContext cx = LayerContext.at(clock.nanoTime());
        StreamConnection client = ta.connect(B_IP, 5001);
        StreamConnection server = null;
        byte[] buf = new byte[64 * 1024];
        long written = 0, read = 0;
        boolean closed = false;
        long start = clock.nanoTime();
        long limit = start + 3_600_000 * MS;  // an hour of virtual time at most
        for (long steps = 0; ; steps++) {
            cx.setNow(clock.nanoTime());
            deliver(ab, b, cx);
            deliver(ba, a, cx);
            if (server == null) server = l.accept();
            if (client.state() == TcpState.ESTABLISHED || client.state() == TcpState.CLOSE_WAIT) {
                while (written < bytes) {
                    int n = (int) Math.min(buf.length, bytes - written);
                    for (int i = 0; i < n; i++) buf[i] = pattern(written + i);
                    int w = client.write(buf, 0, n);
                    written += w;
                    if (w < n) break;
                }
                if (written == bytes && !closed) {
                    client.close();
                    closed = true;
                }
            }
            if (server != null) {
                for (;;) {
                    int n = server.read(buf, 0, buf.length);
                    if (n <= 0) {
                        if (n < 0 && read == bytes) {
                            server.close();
                        }
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != pattern(read + i)) fail("byte " + (read + i) + " differs (seed " + seed + ", " + faults + ")");
                    }
                    read += n;
                }
            }
            ta.tick(cx);
            tb.tick(cx);
            if (read == bytes && server.state() == TcpState.CLOSED && ab.held() == 0 && ba.held() == 0
                    && (client.state() == TcpState.TIME_WAIT || client.state() == TcpState.CLOSED)) break;
            long next = Math.min(Math.min(ab.nextDue(), ba.nextDue()), Math.min(ta.nextDeadline(), tb.nextDeadline()));
            long now = clock.nanoTime();
            if (next == Long.MAX_VALUE) fail("stalled at " + read + "/" + bytes + " bytes: nothing in flight, no timer (" + faults + ")");
            clock.set(Math.max(now + 1, Math.min(next, now + 10 * MS)));
            if (clock.nanoTime() > limit) fail("not done after an hour of virtual time: " + read + "/" + bytes + " (" + faults + ")");
        }
        long elapsed = clock.nanoTime() - start;
        assertEquals(bytes, read);
        long retransmits = ta.counters().get("retransmits");
        long segments = ta.counters().get("segments-out");
        client.close();
        // Let TIME_WAIT end, then every slot must be back.
        clock.advance(cfg.timeWait() + 10 * MS);
        cx.setNow(clock.nanoTime());
        ta.tick(cx);
        tb.tick(cx);
        deliver(ab, b, cx);
        deliver(ba, a, cx);
        assertEquals(0, ta.connections(), "A's table empty: " + ta.stateCounts());
        assertEquals(0, tb.connections(), "B's table empty: " + tb.stateCounts());
        assertEquals(poolA.capacity(), poolA.available(), "A's slots: " + a.dropsByReason());
        assertEquals(poolB.capacity(), poolB.available(), "B's slots: " + b.dropsByReason());
        if (wire != Wire.PLAIN) assertTrue(superFrames[0] > 0, "the sender made super frames (" + faults + ")");
        return new Result(elapsed, retransmits, segments, ta.counters().get("rto-expired"),
                ta.counters().get("fast-recoveries"));
    }

    static TcpConfig config() { return TcpConfig.defaults().withTimeWait(1_000 * MS); }

    static List<Faults> grid() {
        boolean full = "full".equals(System.getProperty("flexnet.tcp.simGrid"));
        List<Faults> g = new ArrayList<>();
        double[] losses = full ? new double[] {0, 0.005, 0.01, 0.02, 0.05, 0.10} : new double[] {0, 0.02, 0.10};
        Faults wire = Faults.NONE.delay(5 * MS, 0);
        for (double loss : losses) {
            g.add(wire.loss(loss));
            if (full || loss == 0.02) g.add(wire.loss(loss).reorder(0.05, 2 * MS).duplicate(0.02));
        }
        g.add(wire.loss(0.01).corrupt(0.01));
        return g;
    }

    @Test
    void sixteenMebibytesArriveByteExactAcrossTheFaultGrid() {
        int bytes = 16 << 20;
        TcpConfig cfg = config();
        // Ideal: the receive window over the RTT (two one-way delays), when nothing is lost.
        double idealMBps = cfg.receiveBuffer() / (10.0 * MS / 1e9) / 1e6;
        System.out.printf(Locale.ROOT, "%-44s %10s %10s %12s %8s %6s %6s%n", "faults", "virtual s", "MB/s", "of ideal",
                "rexmit", "rto", "fastrec");
        long seed = 42;
        for (Faults f : grid()) {
            Result r = transfer(seed++, f, bytes, cfg);
            double mbps = bytes / (r.virtualNanos() / 1e9) / 1e6;
            System.out.printf(Locale.ROOT, "loss %4.1f%% reorder %3.0f%% dup %2.0f%% corrupt %2.0f%%  %10.2f %10.2f %11.1f%% %8d %6d %6d%n",
                    f.loss() * 100, f.reorder() * 100, f.duplicate() * 100, f.corrupt() * 100, r.virtualNanos() / 1e9, mbps,
                    100 * mbps / idealMBps, r.retransmits(), r.rtos(), r.recoveries());
            if (f.loss() == 0 && f.reorder() == 0) {
                assertEquals(0, r.retransmits(), "no retransmission on a clean wire");
            }
        }
    }

    @Test
    void superFramesCutLikeADeviceWouldArriveByteExact() {
        TcpConfig cfg = config();
        Faults wire = Faults.NONE.delay(5 * MS, 0);
        Result clean = transfer(11, wire, 4 << 20, cfg, Wire.CUT);
        assertEquals(0, clean.retransmits(), "no retransmission on a clean wire");
        transfer(12, wire.loss(0.02).reorder(0.05, 2 * MS).duplicate(0.02), 4 << 20, cfg, Wire.CUT);
        transfer(13, wire.loss(0.01).corrupt(0.01), 2 << 20, cfg, Wire.CUT);
    }

    @Test
    void superFramesTakenWholeByTheReceiverArriveByteExact() {
        TcpConfig cfg = config();
        Faults wire = Faults.NONE.delay(5 * MS, 0);
        Result clean = transfer(21, wire, 4 << 20, cfg, Wire.WHOLE);
        assertEquals(0, clean.retransmits(), "no retransmission on a clean wire");
        transfer(22, wire.loss(0.02).reorder(0.05, 2 * MS).duplicate(0.02), 4 << 20, cfg, Wire.WHOLE);
    }

    @Test
    void aCleanWireReachesMostOfTheIdealWindowOverRtt() {
        int bytes = 4 << 20;
        TcpConfig cfg = config().withCongestionControl("newreno");
        Result r = transfer(7, Faults.NONE.delay(5 * MS, 0), bytes, cfg);
        double mbps = bytes / (r.virtualNanos() / 1e9) / 1e6;
        double ideal = cfg.receiveBuffer() / (10.0 * MS / 1e9) / 1e6;
        assertTrue(mbps > 0.5 * ideal, "goodput " + mbps + " MB/s against an ideal of " + ideal);
    }
}
