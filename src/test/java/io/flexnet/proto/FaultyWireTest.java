package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Hosts;
import io.flexnet.nic.FaultyNic;
import io.flexnet.nic.Faults;
import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.ManualClock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two stacks on one simulated wire, each transmitting through a {@link FaultyNic} into the other's
 * in-memory NIC, on one manual clock: what the receiving stack sees is what the link let through,
 * corrupted frames die on the receiver's checksums, every slot comes home, and a seed replays.
 */
class FaultyWireTest {
    private static final long US_NS = 1_000L, MS = 1_000_000L;

    private static final class Wire implements AutoCloseable {
        final ManualClock clock = new ManualClock(1_000 * MS);
        final PacketPool poolA = new PacketPool(1024), poolB = new PacketPool(1024);
        InMemoryNic nicA, nicB;
        final FaultyNic wireA, wireB;
        final ProtoStack a, b;
        final Packet[] batch = new Packet[64];
        long received;
        long firstArrival = -1;

        Wire(Faults aToB, long seed) {
            nicA = InMemoryNic.builder(poolA).name("a").clock(clock::nanoTime)
                    .txHandler((q, p) -> nicB.inject(p.segment(), p.offset, p.length)).build();
            nicB = InMemoryNic.builder(poolB).name("b").clock(clock::nanoTime)
                    .txHandler((q, p) -> nicA.inject(p.segment(), p.offset, p.length)).build();
            wireA = new FaultyNic(nicA, aToB, seed, clock::nanoTime);
            wireB = new FaultyNic(nicB, Faults.NONE, seed + 1, clock::nanoTime);
            NetConfig peer = new NetConfig(PEER.mac(), PEER.ip(), Hosts.PREFIX_LENGTH, Hosts.GATEWAY.ip(), Hosts.MTU);
            a = new ProtoStack(peer, poolA, p -> wireA.transmit(0, p), clock);
            b = new ProtoStack(Hosts.config(), poolB, p -> wireB.transmit(0, p), clock);
            a.arp().learn(US.ip(), US.mac());
            b.arp().learn(PEER.ip(), PEER.mac());
            b.ports().bind(7000, new Endpoint() {
                @Override public int id() { return 1; }
                @Override public boolean offer(Packet p) {
                    if (firstArrival < 0) firstArrival = clock.nanoTime();
                    received++;
                    p.release();
                    return true;
                }
            });
        }

        void send(byte[] payload) {
            Packet p = SocketSend.allocate(poolA, payload, 0, payload.length);
            p.dstIp = US.ip();
            p.dstPort = 7000;
            p.srcPort = 4000;
            a.send(p);
        }

        /** Lets the links release what is due, then each stack receive what reached its NIC. */
        void step() {
            wireA.poll();
            wireB.poll();
            for (int n; (n = nicB.receive(0, batch, batch.length)) > 0; ) for (int i = 0; i < n; i++) b.receive(batch[i]);
            for (int n; (n = nicA.receive(0, batch, batch.length)) > 0; ) for (int i = 0; i < n; i++) a.receive(batch[i]);
        }

        @Override
        public void close() {
            wireA.close();
            wireB.close();
            assertEquals(poolA.capacity(), poolA.available(), "slots of a leaked");
            assertEquals(poolB.capacity(), poolB.available(), "slots of b leaked");
            poolA.close();
            poolB.close();
        }
    }

    private record Outcome(long received, long corrupted, long lost, Map<String, Long> drops) {}

    private static Outcome run(Faults f, long seed) {
        try (Wire w = new Wire(f, seed)) {
            long start = w.clock.nanoTime();
            byte[] payload = new byte[200];
            for (int i = 0; i < 10_000; i++) {
                w.send(payload);
                w.clock.advance(100 * US_NS);
                w.step();
            }
            w.clock.advance(f.delayNanos() + f.jitterNanos() + f.reorderNanos() + MS);
            w.step();
            assertTrue(w.firstArrival - start >= f.delayNanos(), "a datagram arrived before the link's delay");
            long delivered = w.wireA.link().delivered();
            Map<String, Long> drops = w.b.dropsByReason();
            long dropped = drops.values().stream().mapToLong(Long::longValue).sum();
            // Whatever the link delivered, b either took or dropped, and only corrupted frames were dropped.
            assertEquals(delivered, w.received + dropped, drops.toString());
            assertTrue(dropped >= w.wireA.link().corrupted());
            assertTrue(dropped <= 2 * w.wireA.link().corrupted(), "a corrupted frame and its copy at most");
            for (String reason : drops.keySet()) {
                assertTrue(reason.startsWith("bad-") || reason.equals("ip-not-for-us") || reason.equals("not-for-us")
                        || reason.equals("no-socket") || reason.equals("martian-source") || reason.equals("fragment")
                        || reason.equals("unknown-protocol") || reason.equals("unknown-ethertype")
                        || reason.equals("truncated"),
                        "a corrupted frame should fail a check of b's, not " + reason);
            }
            assertTrue(drops.getOrDefault("bad-udp-checksum", 0L) + drops.getOrDefault("bad-ip-checksum", 0L) > 0);
            return new Outcome(w.received, w.wireA.link().corrupted(), w.wireA.drops().get(io.flexnet.packet.DropReason.INJECTED_LOSS), drops);
        }
    }

    @Test
    void aLossyCorruptingWireBetweenTwoStacksIsDeterministic() {
        Faults f = Faults.NONE.loss(0.1).corrupt(0.05).duplicate(0.02).delay(5 * MS, MS).reorder(0.05, 2 * MS);
        Outcome first = run(f, 2026);
        assertEquals(first, run(f, 2026));
        // 10,000 datagrams: about 9,000 survive loss, 450 of them corrupted, 180 duplicated.
        assertTrue(Math.abs(first.lost() - 1000) < 5 * 30, "lost " + first.lost());
        assertTrue(first.received() > 8_300 && first.received() < 9_000, "received " + first.received());
    }
}
