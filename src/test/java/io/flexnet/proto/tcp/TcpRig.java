package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.ManualClock;
import java.util.ArrayDeque;

/**
 * One stack with TCP on a manual clock, in smoltcp's style: inject a segment built with the fixture,
 * then check exactly what the stack sent ({@link #sent()}), then that it sent nothing more
 * ({@link #nothingSent()}). Time moves only by {@link #advance}, which also runs the timers. The
 * peer is {@link Hosts#PEER} port {@link #PEER_PORT}; we are {@link Hosts#US}.
 */
final class TcpRig implements AutoCloseable {
    static final int PEER_PORT = 40000, PORT = 80;
    static final long MS = 1_000_000L;
    /** The peer's initial sequence number in the helpers below. */
    static final long PEER_ISS = 1000;

    final ManualClock clock = new ManualClock(5_000_000_000L);
    final PacketPool pool;
    final ArrayDeque<Packet> out = new ArrayDeque<>();
    final ProtoStack stack;
    final Tcp tcp;
    final LayerContext cx;

    /** Our ISS in the connection {@link #established} or {@link #synReceived} made, and the peer's next SEQ. */
    long iss;
    long peerNxt = PEER_ISS + 1;
    /** Our next SEQ as the peer expects it. */
    long ourNxt;

    TcpRig() { this(plain()); }

    TcpRig(TcpConfig cfg) {
        pool = new PacketPool(512);
        stack = new ProtoStack(Hosts.config(), pool, out::add, clock);
        stack.arp().learn(Hosts.PEER.ip(), Hosts.PEER.mac());
        tcp = Tcp.attach(stack, cfg);
        cx = LayerContext.at(clock.nanoTime());
    }

    /** No options (timestamps, SACK, window scaling off), so expected segments are short to write. */
    static TcpConfig plain() {
        return TcpConfig.defaults().withOptions(false, false, false).withBuffers(8192, 8192).withQuickAcks(0)
                .withTimeWait(2_000 * MS);
    }

    /** A segment from the peer to our port: ACK set unless told otherwise. */
    Frame seg() { return Frame.tcp().from(Hosts.PEER).to(Hosts.US).ports(PEER_PORT, PORT); }

    void in(Frame f) {
        Packet p = f.in(pool);
        cx.setNow(clock.nanoTime());
        stack.receive(p, cx);
    }

    /** The next frame the stack sent, decoded, its slot released; fails when none. */
    Decoded sent() {
        Packet p = out.poll();
        assertNotNull(p, "expected a segment, none was sent");
        Decoded d = Decoded.of(p);
        p.release();
        assertTrue(d.tcp, "a TCP segment: " + d);
        assertTrue(d.l4ChecksumOk, "TCP checksum: " + d);
        assertTrue(d.ipChecksumOk, "IPv4 checksum: " + d);
        return d;
    }

    /** Asserts the next sent segment has exactly these flags, SEQ and ACK (ACK checked when the flag is set). */
    Decoded sent(int flags, long seq, long ack) {
        Decoded d = sent();
        assertEquals(Frame.flagNames(flags), Frame.flagNames(d.flags), "flags of " + d);
        assertEquals(seq & 0xFFFF_FFFFL, d.seq, "SEQ of " + d);
        if ((flags & Frame.ACK) != 0) assertEquals(ack & 0xFFFF_FFFFL, d.ack, "ACK of " + d);
        return d;
    }

    void nothingSent() {
        Packet p = out.poll();
        if (p != null) {
            Decoded d = Decoded.of(p);
            p.release();
            fail("expected nothing more, got " + d);
        }
    }

    /** Drops whatever was sent. */
    void discardSent() {
        for (Packet p; (p = out.poll()) != null; ) p.release();
    }

    /** Moves the clock and runs every timer due. */
    void advance(long nanos) {
        clock.advance(nanos);
        cx.setNow(clock.nanoTime());
        tcp.tick(cx);
    }

    /** A listener on {@link #PORT}, a SYN from the peer, our SYN-ACK checked: the connection in SYN_RECEIVED. */
    Listener synReceived() {
        Listener l = tcp.listener(PORT) != null ? tcp.listener(PORT) : tcp.listen(PORT, 16);
        in(seg().flags(Frame.SYN).seq(PEER_ISS).ack(0).mss(1460));
        Decoded synAck = sent();
        assertEquals(Frame.SYN | Frame.ACK, synAck.flags, "SYN-ACK: " + synAck);
        assertEquals(PEER_ISS + 1, synAck.ack);
        iss = synAck.seq;
        ourNxt = iss + 1;
        peerNxt = PEER_ISS + 1;
        nothingSent();
        return l;
    }

    /** A passive open completed and accepted: the connection in ESTABLISHED, nothing sent after it. */
    StreamConnection established() {
        Listener l = synReceived();
        in(seg().flags(Frame.ACK).seq(peerNxt).ack(ourNxt));
        nothingSent();
        StreamConnection c = l.accept();
        assertNotNull(c, "accepted");
        assertEquals(TcpState.ESTABLISHED, c.state());
        return c;
    }

    /** Our connection to the peer in SYN_SENT (the SYN checked); the peer's port is {@link #PEER_PORT}. */
    StreamConnection synSent() {
        StreamConnection c = tcp.connect(Hosts.PEER.ip(), PEER_PORT);
        Decoded syn = sent();
        assertEquals(Frame.SYN, syn.flags);
        iss = syn.seq;
        ourNxt = iss + 1;
        nothingSent();
        return c;
    }

    /** A segment from the peer to the port {@code c} connected from. */
    Frame to(StreamConnection c) { return Frame.tcp().from(Hosts.PEER).to(Hosts.US).ports(PEER_PORT, c.localPort()); }

    /** An active open completed. */
    StreamConnection activeEstablished() {
        StreamConnection c = synSent();
        in(to(c).flags(Frame.SYN | Frame.ACK).seq(PEER_ISS).ack(ourNxt).mss(1460));
        sent(Frame.ACK, ourNxt, PEER_ISS + 1);
        nothingSent();
        peerNxt = PEER_ISS + 1;
        assertEquals(TcpState.ESTABLISHED, c.state());
        return c;
    }

    static byte[] text(String s) { return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII); }

    @Override
    public void close() {
        discardSent();
        assertEquals(pool.capacity(), pool.available(), "every slot back in the pool; drops " + stack.dropsByReason());
    }
}
