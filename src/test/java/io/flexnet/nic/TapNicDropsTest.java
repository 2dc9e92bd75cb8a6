// What the TAP driver does when it cannot deliver: every lost frame counted under its reason, every slot back.
package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TapNicDropsTest {
    private static final Duration WAIT = Duration.ofSeconds(3);

    @BeforeEach
    void needsKernelPeer() {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("ping", "iputils-ping");
    }

    /** The kernel sends one echo request to the stack's address (no ARP: the neighbour is taught). */
    private static void pingOnce(KernelPeer peer, int payloadBytes) {
        peer.spawn("ping", "-c", "1", "-W", "1", "-s", Integer.toString(payloadBytes), KernelPeer.STACK_IP);
    }

    private static boolean isEchoRequest(Packet p) {
        Decoded d = Decoded.of(p);
        return d.icmp && !d.truncated && d.icmpType == Frame.ICMP_ECHO_REQUEST;
    }

    @Test
    void countsFrameLongerThanSlotAsTooLong() {
        try (PacketPool pool = new PacketPool(16); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            peer.ns().ip("link", "set", "dev", peer.ifname(), "mtu", "3000").orFail();
            DropCounters drops = peer.nic().drops();
            // 2500 bytes of ICMP data make a 2542-byte frame; a slot holds 1920 after its headroom.
            pingOnce(peer, 2500);
            Await.until(WAIT, () -> drops.get(DropReason.FRAME_TOO_LONG) == 1, drops::toString);
            // The reader counts, then releases: wait for the slot rather than race it.
            Await.until(WAIT, () -> pool.inUse() == 0, () -> "slot of the long frame not released: " + pool.inUse());

            pingOnce(peer, pool.maxFrame() - 14 - 20 - 8);  // exactly a slot's worth still arrives
            Packet p = peer.await(WAIT, TapNicDropsTest::isEchoRequest);
            assertNotNull(p, "no echo request after the long one; other frames: " + peer.skipped());
            assertEquals(pool.maxFrame(), p.length);
            p.release();
            assertEquals(1, drops.total(), drops.toString());
        }
    }

    @Test
    void countsPoolEmptyAndReceivesAgainOnceSlotsReturn() {
        try (PacketPool pool = new PacketPool(4); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            List<Packet> held = new ArrayList<>();
            for (Packet p = pool.allocate(); p != null; p = pool.allocate()) held.add(p);
            DropCounters drops = peer.nic().drops();

            pingOnce(peer, 56);
            Await.until(WAIT, () -> drops.get(DropReason.POOL_EMPTY) == 1, drops::toString);
            for (Packet p : held) p.release();

            pingOnce(peer, 56);
            Packet p = peer.await(WAIT, TapNicDropsTest::isEchoRequest);
            assertNotNull(p, "nothing received after the pool refilled; other frames: " + peer.skipped());
            p.release();
            assertEquals(1, drops.total(), drops.toString());
            Await.until(WAIT, () -> pool.inUse() == 0, () -> pool.inUse() + " slots still in use");
        }
    }

    @Test
    void countsQueueFullWhenNobodyDrains() {
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool, 1, 4)) {
            peer.teachNeighbour();
            int capacity = peer.nic().rxCapacity(0);
            int sent = capacity + 5;
            DropCounters drops = peer.nic().drops();
            peer.spawn("ping", "-c", Integer.toString(sent), "-i", "0.01", "-W", "1", KernelPeer.STACK_IP);
            Await.until(WAIT, () -> peer.nic().stats().get("rx-frames") + drops.get(DropReason.QUEUE_FULL) == sent,
                    () -> peer.nic().stats() + " " + drops);

            assertEquals(capacity, peer.nic().stats().get("rx-frames"));
            assertEquals(sent - capacity, drops.get(DropReason.QUEUE_FULL));
            Packet[] out = new Packet[sent];
            int n = peer.nic().receive(0, out, out.length);
            assertEquals(capacity, n, "the queue keeps the frames that fit, oldest first");
            for (int i = 0; i < n; i++) {
                assertEquals(i + 1, Decoded.of(out[i]).icmpSeq, "frame " + i);
                out[i].release();
            }
            Await.until(WAIT, () -> pool.inUse() == 0, () -> pool.inUse() + " slots still in use");
        }
    }

    @Test
    void countsFrameTheKernelRefusesAsTxError() {
        try (PacketPool pool = new PacketPool(8); KernelPeer peer = KernelPeer.open(pool)) {
            // Shorter than an Ethernet header: tun_get_user (drivers/net/tun.c) answers EINVAL.
            assertFalse(peer.send(new byte[10]));
            assertEquals(1, peer.nic().drops().get(DropReason.TX_ERROR));
            assertEquals(Libc.EINVAL, peer.nic().lastErrno());
            assertEquals(0, peer.nic().stats().get("tx-frames"));

            assertFalse(peer.send(5, new byte[60]), "queue 5 of 1");
            assertEquals(1, peer.nic().drops().get(DropReason.SELECTOR_RANGE));
            Await.until(WAIT, () -> pool.inUse() == 0, () -> pool.inUse() + " slots still in use");
        }
    }

    @Test
    void signalsListenerOnlyWhenQueueTurnsNonEmpty() {
        try (PacketPool pool = new PacketPool(16); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            List<String> calls = new CopyOnWriteArrayList<>();
            peer.nic().setRxListener(q -> calls.add(q + " on " + Thread.currentThread().getName()));
            var stats = peer.nic().stats();

            pingOnce(peer, 56);
            Await.until(WAIT, () -> calls.size() == 1, calls::toString);
            assertEquals("0 on tap-" + peer.ifname() + "-rx0", calls.get(0));

            pingOnce(peer, 56);  // arrives while the first still waits: no new signal
            Await.until(WAIT, () -> stats.get("rx-frames") == 2, stats::toString);
            assertEquals(1, calls.size(), calls.toString());

            Packet[] out = new Packet[4];
            int n = peer.nic().receive(0, out, out.length);
            assertEquals(2, n);
            for (int i = 0; i < n; i++) out[i].release();

            pingOnce(peer, 56);  // the queue was drained: signalled again
            Await.until(WAIT, () -> calls.size() == 2, calls::toString);
        }
    }

    @Test
    void keepsReceivingWhenListenerThrows() {
        try (PacketPool pool = new PacketPool(16); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            AtomicInteger calls = new AtomicInteger();
            peer.nic().setRxListener(q -> {
                calls.incrementAndGet();
                throw new IllegalStateException("listener bug");
            });
            for (int i = 0; i < 2; i++) {
                pingOnce(peer, 56);
                // Wait for the signal before draining: a frame taken before the reader looks at the
                // queue's size is (rightly) not signalled.
                final int expected = i + 1;
                Await.until(WAIT, () -> calls.get() == expected, () -> calls.get() + " calls");
                Packet p = peer.await(WAIT, TapNicDropsTest::isEchoRequest);
                assertNotNull(p, "reception stopped after a throwing listener; other frames: " + peer.skipped());
                p.release();
            }
            assertEquals(2, calls.get());
            Await.until(WAIT, () -> peer.nic().stats().get("listener-faults") == 2, peer.nic().stats()::toString);
        }
    }

    @Test
    void dropsFramesStillQueuedAtCloseAsShutdown() {
        try (PacketPool pool = new PacketPool(16); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            pingOnce(peer, 56);
            Await.until(WAIT, () -> peer.nic().stats().get("rx-frames") == 1, peer.nic().stats()::toString);
            // The reader may hold a second slot for a moment, for the read that finds nothing more.
            Await.until(WAIT, () -> pool.inUse() == 1, () -> pool.inUse() + " slots in use; " + peer.nic().drops());
            peer.nic().close();
            assertEquals(1, peer.nic().drops().get(DropReason.SHUTDOWN), () -> peer.nic().drops().toString());
            assertEquals(0, pool.inUse());
        }
    }
}
