package io.flexnet.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.Ip4;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import org.junit.jupiter.api.Test;

/** The neighbour table's storage and the queue of frames waiting for it, and the limits on its times. */
class ArpTablesTest {
    private static final int BASE = Ip4.parse("198.18.0.0");

    @Test
    void capacityIsAPowerOfTwoAndNeverBelowOneProbeWindow() {
        assertEquals(ArpCache.PROBE, new ArpCache(1).capacity());
        assertEquals(ArpCache.PROBE, new ArpCache(0).capacity());
        assertEquals(ArpCache.PROBE, new ArpCache(ArpCache.PROBE).capacity());
        assertEquals(16, new ArpCache(9).capacity());
        assertEquals(16, new ArpCache(16).capacity());
        assertEquals(32, new ArpCache(17).capacity());
        assertEquals(256, new ArpCache(Arp.DEFAULT_CACHE_SIZE).capacity());
    }

    @Test
    void sizeCountsEntriesAndRemovingTwiceCountsOnce() {
        ArpCache c = new ArpCache(64);
        int a = c.insert(BASE + 1);
        c.insert(BASE + 2);
        assertEquals(2, c.size());
        assertEquals(a, c.insert(BASE + 1), "inserting a known address finds its slot");
        assertEquals(2, c.size());
        assertTrue(c.remove(BASE + 1));
        assertEquals(1, c.size());
        assertEquals(false, c.remove(BASE + 1));
        c.removeSlot(a);  // already empty
        assertEquals(1, c.size());
        assertEquals(-1, c.find(BASE + 1));
        assertEquals(-1, c.find(0), "0 marks an empty slot: never found");
    }

    @Test
    void aNewEntryStartsWithoutProbesOrVlan() {
        ArpCache c = new ArpCache(8);
        int s = c.insert(BASE + 1);
        c.probes(s, 3);
        c.vlan(s, 42);
        c.remove(BASE + 1);
        s = c.insert(BASE + 1);
        assertEquals(0, c.probes(s));
        assertEquals(-1, c.vlan(s));
        assertEquals(ArpCache.STALE, c.state(s));
    }

    @Test
    void setClearsTheProbeCountAndStampsTheChange() {
        ArpCache c = new ArpCache(8);
        int s = c.insert(BASE + 1);
        c.probes(s, 2);
        c.set(s, 0x0200_0000_0001L, ArpCache.REACHABLE, 500, 77);
        assertEquals(0, c.probes(s));
        assertEquals(77, c.updated(s));
        assertEquals(500, c.timer(s));
        assertEquals(0x0200_0000_0001L, c.mac(s));
    }

    @Test
    void theTransmitPathSeesOnlyUsableAddresses() {
        ArpCache c = new ArpCache(8);
        int s = c.insert(BASE + 1);
        c.set(s, -1, ArpCache.INCOMPLETE, 100, 0);
        assertEquals(-1, c.fresh(BASE + 1, 0), "still being resolved");
        assertEquals(-1, c.get(BASE + 1));
        c.set(s, 7, ArpCache.PERMANENT, 100, 0);
        assertEquals(7, c.fresh(BASE + 1, 1_000_000), "permanent: whatever the time");
        c.set(s, 7, ArpCache.STALE, 100, 0);
        assertEquals(ArpCache.NEEDS_ATTENTION, c.fresh(BASE + 1, 0), "stale: using it must start the delay");
        assertEquals(7, c.get(BASE + 1));
        c.set(s, 7, ArpCache.REACHABLE, 100, 0);
        assertEquals(7, c.fresh(BASE + 1, 99));
        assertEquals(ArpCache.NEEDS_ATTENTION, c.fresh(BASE + 1, 100), "lapsed at its timer");
        assertEquals(-1, c.fresh(BASE + 2, 0));
    }

    @Test
    void aFullWindowEvictsTheSoonestTimerButKeepsPermanentEntries() {
        ArpCache c = new ArpCache(8);  // one window: every address shares it
        for (int i = 1; i <= 8; i++) {
            int s = c.insert(BASE + i);
            c.set(s, i, i == 3 ? ArpCache.PERMANENT : ArpCache.REACHABLE, i == 3 ? 0 : 1000 - i, 0);
        }
        assertEquals(8, c.size());
        c.insert(BASE + 100);
        assertEquals(8, c.size(), "one in, one out");
        assertEquals(-1, c.get(BASE + 8), "the soonest timer of the reachable ones went");
        assertEquals(3, c.get(BASE + 3), "the permanent entry stays though its timer is the smallest");
        for (int i = 1; i <= 7; i++) assertEquals(i, c.get(BASE + i));
    }

    @Test
    void stateNamesAreLinuxs() {
        assertEquals("reachable", ArpCache.stateName(ArpCache.REACHABLE));
        assertEquals("stale", ArpCache.stateName(ArpCache.STALE));
        assertEquals("delay", ArpCache.stateName(ArpCache.DELAY));
        assertEquals("probe", ArpCache.stateName(ArpCache.PROBING));
        assertEquals("permanent", ArpCache.stateName(ArpCache.PERMANENT));
        assertEquals("incomplete", ArpCache.stateName(ArpCache.INCOMPLETE));
        assertEquals("empty", ArpCache.stateName(ArpCache.EMPTY));
    }

    @Test
    void pendingFramesLeaveByHopInParkingOrderAndTheRestKeepTheirs() {
        try (PacketPool pool = new PacketPool(8)) {
            ArpPending q = new ArpPending(4);
            assertThrows(IllegalArgumentException.class, () -> new ArpPending(0));
            Packet a = pool.allocate(), b = pool.allocate(), c = pool.allocate(), d = pool.allocate();
            q.add(a, 1, 10);
            q.add(b, 2, 20);
            q.add(c, 1, 30);
            q.add(d, 2, 40);
            assertTrue(q.full());
            assertEquals(4, q.capacity());
            Packet[] out = new Packet[4];
            assertEquals(2, q.take(1, out));
            assertArrayEquals(new Packet[] {a, c, null, null}, out);
            assertEquals(2, q.size());
            assertEquals(20, q.oldest(-5), "b is now the oldest");
            out = new Packet[4];
            assertEquals(1, q.takeParkedBefore(20, out), "parked at the deadline counts as before it");
            assertEquals(b, out[0]);
            assertEquals(40, q.oldest(-5));
            assertEquals(0, q.takeParkedBefore(39, out));
            q.add(a, 3, 50);
            out = new Packet[4];
            assertEquals(2, q.takeAll(out));
            assertArrayEquals(new Packet[] {d, a, null, null}, out);
            assertEquals(0, q.size());
            assertEquals(-5, q.oldest(-5), "empty: the fallback");
            for (Packet p : new Packet[] {a, b, c, d}) p.release();
        }
    }

    @Test
    void takenFramesLeaveNoReferenceBehind() throws Exception {
        try (PacketPool pool = new PacketPool(2)) {
            ArpPending q = new ArpPending(2);
            Packet a = pool.allocate(), b = pool.allocate();
            q.add(a, 1, 0);
            q.add(b, 2, 0);
            q.take(1, new Packet[2]);
            var f = ArpPending.class.getDeclaredField("packets");
            f.setAccessible(true);
            Packet[] slots = (Packet[]) f.get(q);
            assertEquals(b, slots[0]);
            assertNull(slots[1], "a recycled slot must not stay reachable from the queue");
            q.takeAll(new Packet[2]);
            assertNull(slots[0]);
            a.release();
            b.release();
        }
    }

    @Test
    void timesRefuseWhatCouldNeverWork() {
        Arp.Times l = Arp.Times.LINUX;
        assertEquals(30_000_000_000L, l.reachable());
        assertEquals(5_000_000_000L, l.delayFirstProbe());
        assertEquals(1_000_000_000L, l.retransmit());
        assertEquals(3, l.unicastProbes());
        assertEquals(60_000_000_000L, l.stale());
        assertEquals(1_000_000_000L, l.lock());
        assertEquals(3_000_000_000L, l.pendingTimeout());
        assertRefused(0, 1, 1, 1, 1, 1, 1, 1);
        assertRefused(1, -1, 1, 1, 1, 1, 1, 1);
        assertRefused(1, 1, 0, 1, 1, 1, 1, 1);
        assertRefused(1, 1, 1, -1, 1, 1, 1, 1);
        assertRefused(1, 1, 1, 1, -1, 1, 1, 1);
        assertRefused(1, 1, 1, 0, 0, 1, 1, 1);
        assertRefused(1, 1, 1, 1, 1, 0, 1, 1);
        assertRefused(1, 1, 1, 1, 1, 1, -1, 1);
        assertRefused(1, 1, 1, 1, 1, 1, 1, 0);
        // The least that works: no delay, no lock, one probe of either kind.
        assertEquals(0, new Arp.Times(1, 0, 1, 1, 0, 1, 0, 1).delayFirstProbe());
        assertEquals(1, new Arp.Times(1, 0, 1, 0, 1, 1, 0, 1).broadcastProbes());
        assertEquals(1, new Arp.Times(1, 0, 1, 1, 1, 1, 0, 1).unicastProbes(), "one of each is fine too");
        assertEquals(1, new ArpPending(1).capacity(), "a queue of one frame is a queue");
    }

    private static void assertRefused(long reachable, long delay, long retransmit, int unicast, int broadcast,
                                      long stale, long lock, long pendingTimeout) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Arp.Times(reachable, delay, retransmit, unicast, broadcast, stale, lock, pendingTimeout));
        assertNotEquals(null, e.getMessage());
    }
}
