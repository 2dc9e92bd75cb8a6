package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReassemblyTest {
    /** Just below the wrap, so every test crosses 2^32. */
    private static final int BASE = 0xFFFF_FF00;

    @Test
    void mergesOverlappingAndTouchingRanges() {
        Reassembly r = new Reassembly(4);
        assertTrue(r.add(BASE, BASE + 100, BASE + 200));
        assertTrue(r.add(BASE, BASE + 300, BASE + 400));
        assertEquals(2, r.ranges());
        assertTrue(r.add(BASE, BASE + 200, BASE + 300));          // touches both: one range
        assertEquals(1, r.ranges());
        assertEquals(300, r.bytes());
        assertTrue(r.add(BASE, BASE + 150, BASE + 450));          // overlaps and extends
        assertEquals(1, r.ranges());
        assertEquals(350, r.bytes());
        assertEquals(BASE + 100, r.rangeStart(0));
        assertEquals(BASE + 450, r.rangeEnd(0));
    }

    @Test
    void refusesARangeBeyondTheBound() {
        Reassembly r = new Reassembly(2);
        assertTrue(r.add(BASE, BASE + 10, BASE + 20));
        assertTrue(r.add(BASE, BASE + 30, BASE + 40));
        assertFalse(r.add(BASE, BASE + 50, BASE + 60));           // a third range: refused, nothing recorded
        assertEquals(2, r.ranges());
        assertEquals(20, r.bytes());
        assertTrue(r.add(BASE, BASE + 15, BASE + 35));            // merging needs no new range
        assertEquals(1, r.ranges());
    }

    @Test
    void advanceRemovesWhatItCoversAndReturnsTheNewInOrderEnd() {
        Reassembly r = new Reassembly(4);
        r.add(BASE, BASE + 100, BASE + 200);
        r.add(BASE, BASE + 300, BASE + 400);
        assertEquals(BASE + 50, r.advance(BASE + 50));             // a hole still: nothing joins
        assertEquals(BASE + 200, r.advance(BASE + 100));           // touches the first range
        assertEquals(1, r.ranges());
        assertEquals(BASE + 400, r.advance(BASE + 350));           // lands inside the second
        assertEquals(0, r.ranges());
        assertEquals(0, r.bytes());
    }

    @Test
    void sackBlocksMostRecentFirst() {
        Reassembly r = new Reassembly(8);
        int[] out = new int[8];
        // RFC 2018 §4: segments arrive at 5000, 6000 (gap), 7000 (gap) ... as in its examples
        r.add(BASE, BASE + 1000, BASE + 1500);
        r.add(BASE, BASE + 2000, BASE + 2500);
        r.add(BASE, BASE + 3000, BASE + 3500);
        assertEquals(3, r.sackBlocks(out, 4));
        assertArrayEquals(new int[] {BASE + 3000, BASE + 3500, BASE + 2000, BASE + 2500, BASE + 1000, BASE + 1500},
                java.util.Arrays.copyOf(out, 6));
        // A segment extending the oldest block makes it the first block reported.
        r.add(BASE, BASE + 1500, BASE + 1800);
        assertEquals(2, r.sackBlocks(out, 2));
        assertArrayEquals(new int[] {BASE + 1000, BASE + 1800, BASE + 3000, BASE + 3500}, java.util.Arrays.copyOf(out, 4));
    }

    @Test
    void ignoresBytesBelowRcvNxt() {
        Reassembly r = new Reassembly(2);
        assertTrue(r.add(BASE + 100, BASE, BASE + 50));
        assertEquals(0, r.ranges());
        assertTrue(r.add(BASE + 100, BASE + 50, BASE + 150));
        assertEquals(50, r.bytes());
        assertEquals(BASE + 100, r.rangeStart(0));
    }

    /** Random arrivals and advances against a bitset of received bytes above RCV.NXT. */
    @Test
    void matchesABitsetReference() {
        Random rnd = new Random(99);
        for (int round = 0; round < 50; round++) {
            int max = 1 + rnd.nextInt(6);
            Reassembly r = new Reassembly(max);
            BitSet ref = new BitSet();            // bit i: byte BASE + i arrived
            int nxt = 0;                          // RCV.NXT - BASE
            int[] out = new int[2 * max];
            for (int op = 0; op < 2000; op++) {
                if (rnd.nextInt(5) > 0) {
                    int s = nxt + rnd.nextInt(3000) - 200, e = s + 1 + rnd.nextInt(400);
                    BitSet after = (BitSet) ref.clone();
                    after.set(Math.max(s, nxt), Math.max(e, nxt));
                    boolean fits = runs(after, nxt) <= max;
                    assertEquals(fits, r.add(BASE + nxt, BASE + s, BASE + e), "round " + round + " op " + op);
                    if (fits) ref = after;
                } else {
                    int to = nxt + rnd.nextInt(600);
                    ref.clear(0, to);
                    int expect = ref.get(to) ? ref.nextClearBit(to) : to;
                    ref.clear(0, expect);
                    assertEquals(BASE + expect, r.advance(BASE + to), "round " + round + " op " + op);
                    nxt = expect;
                }
                assertEquals(ref.cardinality(), r.bytes());
                assertEquals(runs(ref, nxt), r.ranges());
                int i = 0;
                for (int b = ref.nextSetBit(nxt); b >= 0; b = ref.nextSetBit(ref.nextClearBit(b)), i++) {
                    assertEquals(BASE + b, r.rangeStart(i));
                    assertEquals(BASE + ref.nextClearBit(b), r.rangeEnd(i));
                }
                int n = r.sackBlocks(out, max);
                assertEquals(r.ranges(), n);
                for (int k = 0; k < n; k++) assertTrue(ref.get(out[2 * k] - BASE) && !ref.get(out[2 * k + 1] - BASE));
            }
        }
    }

    private static int runs(BitSet b, int from) {
        int n = 0;
        for (int i = b.nextSetBit(from); i >= 0; i = b.nextSetBit(b.nextClearBit(i))) n++;
        return n;
    }
}
