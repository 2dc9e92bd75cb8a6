package io.flexnet.proto.tcp;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.Egress;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.ProtoStack;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A seeded, lossy, virtual-time wire between two stacks (test code, until the fault-injecting link of
 * package nic is there): each frame a stack sends is copied, then lost, duplicated or delayed (a base
 * one-way delay plus, for reordered frames, a random extra), and delivered to the other stack when the
 * virtual clock reaches its time. A rate limit serialises frames at {@code bitsPerSecond}.
 */
final class SimWire {
    record Faults(double loss, double reorder, double duplicate, long delayNanos, long bitsPerSecond) {}

    private record InFlight(long at, long order, int to, byte[] frame) {}

    private final PriorityQueue<InFlight> queue =
            new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private final SplittableRandom random;
    private final Faults faults;
    private final ProtoStack[] stacks = new ProtoStack[2];
    private final long[] busyUntil = new long[2];
    private long order;
    long sent, lost, duplicated, reordered;
    private final java.util.function.LongSupplier clock;

    SimWire(long seed, Faults faults, java.util.function.LongSupplier clock) {
        this.random = new SplittableRandom(seed);
        this.faults = faults;
        this.clock = clock;
    }

    /** The egress of the stack at {@code side} (0 or 1): frames go to the other side. */
    Egress egress(int side) {
        return p -> {
            byte[] f = p.toBytes();
            p.release();
            carry(side, f);
        };
    }

    void attach(int side, ProtoStack s) { stacks[side] = s; }

    private void carry(int from, byte[] f) {
        sent++;
        long now = clock.getAsLong();
        long start = Math.max(now, busyUntil[from]);
        long tx = faults.bitsPerSecond > 0 ? f.length * 8L * 1_000_000_000L / faults.bitsPerSecond : 0;
        busyUntil[from] = start + tx;
        if (random.nextDouble() < faults.loss) {
            lost++;
            return;
        }
        int copies = random.nextDouble() < faults.duplicate ? 2 : 1;
        if (copies == 2) duplicated++;
        for (int i = 0; i < copies; i++) {
            long at = start + tx + faults.delayNanos;
            if (random.nextDouble() < faults.reorder) {
                reordered++;
                at += 1 + random.nextLong(Math.max(2, faults.delayNanos));
            }
            queue.add(new InFlight(at, order++, 1 - from, f));
        }
    }

    /** When the next frame arrives, or {@link Long#MAX_VALUE}. */
    long nextArrival() { return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at; }

    /** Delivers every frame due by {@code now}; returns how many. */
    int deliver(long now, LayerContext cx) {
        int n = 0;
        while (!queue.isEmpty() && queue.peek().at <= now) {
            InFlight f = queue.poll();
            ProtoStack s = stacks[f.to];
            PacketPool pool = s.pool();
            Packet p = pool.allocate(f.frame, 0, f.frame.length);
            if (p == null) continue;  // the receiver's pool is empty: the frame is lost there
            s.receive(p, cx);
            n++;
        }
        return n;
    }

    boolean idle() { return queue.isEmpty(); }
}
