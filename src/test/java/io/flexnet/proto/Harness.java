package io.flexnet.proto;

import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.ManualClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack on an in-memory pool with a capturing egress and a clock the test moves: frames in,
 * frames out, nothing else. Closing checks that every slot came back.
 */
final class Harness implements AutoCloseable {
    final PacketPool pool;
    final ProtoStack stack;
    final ArrayDeque<Packet> sent = new ArrayDeque<>();
    final ManualClock clock = new ManualClock(1_000_000_000L);

    Harness() { this(Hosts.config(), 64); }

    Harness(NetConfig cfg, int slots) {
        pool = new PacketPool(slots);
        stack = new ProtoStack(cfg, pool, sent::add, clock);
    }

    Harness(NetConfig cfg, int slots, int pendingCapacity) {
        pool = new PacketPool(slots);
        Arp arp = new Arp(cfg, pool, clock, 64, pendingCapacity, Arp.Times.LINUX);
        stack = new ProtoStack(cfg, pool, sent::add, clock, arp);
    }

    Packet packet(byte[] frame) { return Packets.copy(pool, frame); }

    void receive(byte[] frame) { stack.receive(packet(frame)); }


    Packet takeSent() {
        Packet p = sent.poll();
        if (p == null) throw new AssertionError("nothing was sent");
        return p;
    }

    /** Sent frames as byte arrays (their slots released). */
    List<byte[]> drainSent() {
        List<byte[]> out = new ArrayList<>();
        for (Packet p; (p = sent.poll()) != null; ) {
            out.add(p.toBytes());
            p.release();
        }
        return out;
    }

    void advance(long nanos) { clock.advance(nanos); }

    @Override
    public void close() {
        clock.advance(3_600_000_000_000L);
        stack.expire();
        drainSent();  // after the timers: a probe they sent is a frame too
        int available = pool.available();
        int capacity = pool.capacity();
        pool.close();
        if (available != capacity) throw new AssertionError("slots leaked: " + (capacity - available));
    }
}
