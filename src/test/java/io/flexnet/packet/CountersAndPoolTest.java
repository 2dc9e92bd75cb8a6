package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Named counters and their stripes, drop counters, the packet pool and its handles. */
class CountersAndPoolTest {

    @Test
    void countersAreNamedAndAddUpOverTheirLabels() {
        Counters c = new Counters("eth_rcv", "out", "arp");
        assertEquals("eth_rcv", c.name());
        assertEquals(2, c.size());
        assertEquals("arp", c.label(1));
        assertEquals(1, c.indexOf("arp"));
        assertEquals(-1, c.indexOf("icmp"));
        c.inc(0);
        c.add(1, 5);
        c.inc(Stripe.SHARED, 1);
        c.add(Stripe.SHARED, 0, 2);
        assertEquals(3, c.get("out"));
        assertEquals(6, c.get(1));
        assertEquals(9, c.total());
        assertEquals("eth_rcv{out=3, arp=6}", c.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.get("icmp"));
        assertEquals("eth_rcv has no counter 'icmp'", e.getMessage());
    }

    @Test
    void theSharedStripeLosesNoCountUnderContention() throws Exception {
        Counters c = new Counters("shared", "n");
        int threads = 4, each = 200_000;
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < each; k++) c.inc(Stripe.SHARED, 0);
            });
            ts[i].start();
        }
        go.countDown();
        for (Thread t : ts) t.join();
        assertEquals((long) threads * each, c.get(0), "atomic adds: no update lost");
    }

    @Test
    void eachThreadCountsOnItsOwnStripeAndAStripeIsSharedOnlyWhileItsOwnerLives() throws Exception {
        // A thread that claims a stripe of its own gets threadId mod 64.
        Thread[] owner = new Thread[1];
        int[] claimed = new int[1];
        CountDownLatch release = new CountDownLatch(1);
        for (int tries = 0; tries < 200; tries++) {
            CountDownLatch got = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                claimed[0] = Stripe.current();
                assertEquals(claimed[0], Stripe.current(), "the same stripe every time");
                got.countDown();
                if (claimed[0] != Stripe.SHARED) {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // ends the thread
                    }
                }
            });
            t.start();
            got.await();
            if (claimed[0] != Stripe.SHARED) {
                owner[0] = t;
                break;
            }
            t.join();
        }
        Thread o = owner[0];
        assertNotEquals(null, o, "some stripe was free");
        int stripe = claimed[0];
        assertEquals(o.threadId() & (Stripe.STRIPES - 1), stripe);
        // Another thread with the same id modulo 64, while the owner lives, shares.
        assertEquals(Stripe.SHARED, stripeOfThreadCollidingWith(stripe));
        release.countDown();
        o.join();
        // Once the owner is dead, the next such thread takes the stripe over.
        assertEquals(stripe, stripeOfThreadCollidingWith(stripe));
    }

    private static int stripeOfThreadCollidingWith(int stripe) throws InterruptedException {
        AtomicInteger out = new AtomicInteger(-1);
        for (int i = 0; i < 10 * Stripe.STRIPES; i++) {
            Thread t = new Thread(() -> out.set(Stripe.current()));
            if ((t.threadId() & (Stripe.STRIPES - 1)) == stripe) {
                t.start();
                t.join();
                return out.get();
            }
        }
        throw new AssertionError("no thread id fell on stripe " + stripe);
    }

    @Test
    void dropCountersCountByReasonAndReleaseTheSlot() {
        try (PacketPool pool = new PacketPool(2)) {
            DropCounters d = new DropCounters("ip_rcv");
            assertEquals("ip_rcv", d.stage());
            d.drop(pool.allocate(), DropReason.TRUNCATED);
            d.drop(pool.allocate(), DropReason.TRUNCATED, Stripe.SHARED);
            d.count(DropReason.POOL_EMPTY);
            d.count(DropReason.POOL_EMPTY, Stripe.SHARED);
            d.count(DropReason.FRAGMENT);
            assertEquals(2, pool.available(), "both slots came back");
            assertEquals(2, d.get(DropReason.TRUNCATED));
            assertEquals(5, d.total());
            assertEquals(3, d.toString().split(" ").length);
            for (String part : d.toString().split(" ")) assertTrue(List.of("truncated=2", "pool-empty=2", "fragment=1").contains(part), part);
            assertEquals("", new DropCounters("none").toString(), "nothing dropped, nothing said");
            assertSame(DropReason.FRAGMENT, DropReason.of(DropReason.FRAGMENT.ordinal()));
        }
    }

    @Test
    void poolRefusesSizesThatCannotHoldAFrame() {
        assertEquals("slots must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new PacketPool(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PacketPool(2, 127, 0));
        assertThrows(IllegalArgumentException.class, () -> new PacketPool(2, 128, -1));
        assertThrows(IllegalArgumentException.class, () -> new PacketPool(2, 128, 128));
        try (PacketPool smallest = new PacketPool(2, 128, 0)) {
            assertEquals(128, smallest.maxFrame());
        }
        try (PacketPool allHeadroom = new PacketPool(2, 128, 127)) {
            assertEquals(1, allHeadroom.maxFrame());
        }
    }

    @Test
    void everyHandleStartsAsAnEmptyFrameAtTheHeadroom() {
        try (PacketPool pool = new PacketPool(2, 256, 64)) {
            Packet p = pool.get(1);
            assertEquals(1, p.index());
            assertEquals(64, p.offset);
            assertEquals(0, p.length);
            assertEquals(-1, p.vlan);
            assertEquals(-1, p.owner);
            assertEquals(64, p.headroom());
            assertEquals(256 - 64, p.tailroom());
            assertEquals("Packet[1 off=64 len=0]", p.toString());
            assertSame(pool, p.pool());
        }
    }

    @Test
    void aRecycledSlotComesBackWithoutItsLastOwnersMetadata() {
        try (PacketPool pool = new PacketPool(2, 256, 64)) {
            Packet keep = pool.allocate();
            Packet p = pool.allocate();
            p.offset = 10;
            p.length = 99;
            p.vlan = 7;
            p.owner = 3;
            p.dstIp = 1;
            p.nextHop = 2;
            p.release();
            Packet q = pool.allocate();
            assertSame(p, q, "the only free slot");
            assertEquals(64, q.offset);
            assertEquals(0, q.length);
            assertEquals(-1, q.vlan);
            assertEquals(-1, q.owner);
            assertEquals(0, q.dstIp);
            assertEquals(0, q.nextHop);
            assertEquals(2, pool.inUse());
            assertNull(pool.allocate());
            assertEquals(1, pool.allocFailures());
            q.release();
            keep.release();
            assertEquals(0, pool.inUse());
        }
    }

    @Test
    void aFrameOfExactlyTheSlotAfterHeadroomFitsAndOneMoreDoesNot() {
        try (PacketPool pool = new PacketPool(2, 256, 64)) {
            byte[] frame = new byte[192];
            frame[191] = 9;
            Packet p = pool.allocate(frame, 0, 192);
            assertEquals(192, p.length);
            assertEquals(9, p.segment().get(ValueLayout.JAVA_BYTE, 64 + 191));
            assertEquals(0, p.tailroom());
            assertNull(pool.allocate(new byte[193], 0, 193));
            assertEquals(0, pool.allocFailures(), "too long is not a pool failure");
            p.release();
            assertThrows(IllegalStateException.class, p::release, "released twice");
        }
    }

    @Test
    void prependMayUseTheWholeHeadroomButNoMore() {
        try (PacketPool pool = new PacketPool(2, 256, 64)) {
            Packet p = pool.allocate();
            p.length = 10;
            assertEquals(0, p.prepend(64));
            assertEquals(74, p.length);
            assertThrows(IllegalStateException.class, () -> p.prepend(1));
            p.release();
        }
    }

    @Test
    void closingThePoolFreesItsMemory() {
        PacketPool pool = new PacketPool(2);
        Packet p = pool.get(0);
        pool.close();
        assertThrows(IllegalStateException.class, () -> p.segment().get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void tcpOptionWalkStopsAtTheFirstMalformedOption() {
        byte[] b = new byte[24];
        java.lang.foreign.MemorySegment s = java.lang.foreign.MemorySegment.ofArray(b);
        TcpHeader.dataOffset(s, 0, 6);
        b[20] = 2; b[21] = 1;  // MSS of length 1
        TcpOptions o = new TcpOptions().wrap(s, 0, 24);
        assertFalse(o.next(), "no option to read");
        assertTrue(o.malformed());
        assertFalse(o.next());
        b[20] = 1; b[21] = 1; b[22] = 1; b[23] = 9;  // three NOPs, then a kind with no length byte
        o.wrap(s, 0, 24);
        assertTrue(o.next());
        assertTrue(o.next());
        assertTrue(o.next());
        assertFalse(o.next());
        assertTrue(o.malformed());
    }

    @Test
    void sackCarriesOneToFourBlocks() {
        for (int blocks = 1; blocks <= 4; blocks++) {
            byte[] b = new byte[20 + 2 + 2 + 8 * blocks + (blocks % 2 == 0 ? 0 : 4)];
            b[22] = TcpOptions.SACK;
            b[23] = (byte) (2 + 8 * blocks);
            b[20] = 1; b[21] = 1;
            java.lang.foreign.MemorySegment s = java.lang.foreign.MemorySegment.ofArray(b);
            TcpHeader.dataOffset(s, 0, b.length / 4);
            TcpOptions o = new TcpOptions().wrap(s, 0, b.length);
            o.next();
            o.next();
            assertTrue(o.next(), blocks + " blocks");
            assertEquals(blocks, o.sackBlocks());
            assertFalse(o.malformed());
        }
    }

    @Test
    void timestampsCarryBothValues() {
        // RFC 7323: kind 8, length 10, TSval, TSecr.
        java.lang.foreign.MemorySegment s = Hex.segment("0000000000000000000000000000000000000000", "0101080a0000000100000002");
        TcpHeader.dataOffset(s, 0, 8);
        TcpOptions o = new TcpOptions().wrap(s, 0, 32);
        o.next();
        o.next();
        assertTrue(o.next());
        assertEquals(1, o.tsVal());
        assertEquals(2, o.tsEcr());
        assertEquals(22, o.offset());
    }

    @Test
    void onlyTheAllOnesAddressIsBroadcast() {
        assertFalse(MacAddress.isBroadcast(MacAddress.parse("01:00:5e:00:00:01")));
        assertFalse(MacAddress.isBroadcast(MacAddress.parse("02:00:00:00:00:01")));
        assertTrue(MacAddress.isBroadcast(MacAddress.BROADCAST));
    }
}
