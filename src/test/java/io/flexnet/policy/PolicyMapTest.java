package io.flexnet.policy;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PolicyMapTest {
    private static PolicyMap make(MapSpec.Layout layout, int capacity) {
        return Maps.allocate(new MapSpec("m", layout, capacity, false));
    }

    @ParameterizedTest
    @EnumSource(MapSpec.Layout.class)
    void absentKeysReadAsZeroAndFirstWriteInserts(MapSpec.Layout layout) {
        try (PolicyMap m = make(layout, 16)) {
            assertEquals(0, m.get(3));
            assertTrue(m.put(3, 42));
            assertEquals(42, m.get(3));
            assertEquals(45, m.add(3, 3));
            assertEquals(7, m.add(5, 7), "add inserts an absent key at 0 first");
            assertEquals(45, m.getAndSet(3, 1));
            assertEquals(1, m.get(3));
            assertFalse(m.compareAndSet(3, 2, 9));
            assertTrue(m.compareAndSet(3, 1, 9));
            assertEquals(9, m.get(3));
            assertTrue(m.compareAndSet(11, 0, 4), "absent counts as 0");
            assertEquals(4, m.get(11));
            assertEquals(-1, m.add(12, -1), "values are signed 64-bit");
        }
    }

    @Test
    void hashedMapTakesSparseKeysUntilFullThenRefuses() {
        try (PolicyMap m = make(MapSpec.Layout.HASHED, 8)) {
            int[] keys = {0, 1, 0xFFFF_FFFF, 0x8000_0000, 77, 123_456_789, 1 << 20, 9};
            for (int i = 0; i < keys.length; i++) assertTrue(m.put(keys[i], i + 100L));
            assertEquals(8, m.size());
            for (int i = 0; i < keys.length; i++) assertEquals(i + 100L, m.get(keys[i]), "key " + keys[i]);
            assertFalse(m.contains(5));
            assertFalse(m.put(5, 1), "full");
            assertFalse(m.compareAndSet(5, 0, 1), "cannot insert when full");
            assertThrows(IllegalStateException.class, () -> m.add(5, 1));
            assertEquals(0, m.get(5));
            assertTrue(m.put(77, 1), "existing keys stay writable when full");
        }
    }

    @Test
    void directMapRefusesKeysBeyondItsRange() {
        try (PolicyMap m = make(MapSpec.Layout.DIRECT, 4)) {
            assertEquals(4, m.size());
            assertTrue(m.contains(3));
            assertFalse(m.contains(4));
            assertFalse(m.contains(-1), "keys are unsigned: -1 is 4294967295");
            assertFalse(m.put(4, 1));
            assertEquals(0, m.get(-1));
            assertThrows(IllegalStateException.class, () -> m.add(4, 1));
            assertFalse(m.compareAndSet(4, 0, 1));
        }
    }

    @Test
    void hashedCapacityRoundsUpToAPowerOfTwo() {
        assertEquals(16, MapSpec.hashed("x", 9).capacity());
        assertEquals(1, MapSpec.hashed("x", 1).capacity());
        assertEquals(9, MapSpec.direct("x", 9).capacity());
        assertThrows(IllegalArgumentException.class, () -> MapSpec.direct("a/b", 1));
        assertThrows(IllegalArgumentException.class, () -> MapSpec.direct("x", 0));
    }

    @ParameterizedTest
    @EnumSource(MapSpec.Layout.class)
    void concurrentAddsAndInsertsLoseNothing(MapSpec.Layout layout) throws Exception {
        int threads = 4, perThread = 20_000, keys = 64;
        try (PolicyMap m = make(layout, 128)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) m.add(i % keys, 1);
                });
                th.start();
                ts.add(th);
            }
            go.countDown();
            for (Thread th : ts) th.join();
            long total = 0;
            for (int k = 0; k < keys; k++) total += m.get(k);
            assertEquals((long) threads * perThread, total);
            if (layout == MapSpec.Layout.HASHED) assertEquals(keys, m.size(), "each key inserted exactly once");
        }
    }
}
