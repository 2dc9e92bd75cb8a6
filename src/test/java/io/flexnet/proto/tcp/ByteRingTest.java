package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteRingTest {

    private static MemorySegment segmentOf(byte[] b) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    private static byte[] bytes(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (from + i);
        return b;
    }

    @Test
    void wrapsAroundAtEveryOffset() {
        final int cap = 13;
        for (int offset = 0; offset < cap; offset++) {
            for (int len = 1; len <= cap; len++) {
                ByteRing r = new ByteRing(cap);
                // Move the head to `offset` through the array path, leaving the ring empty.
                r.write(new byte[offset], 0, offset);
                r.skip(offset);
                MemorySegment src = segmentOf(bytes(offset * 31, len));
                assertEquals(len, r.write(src, 0, len));
                assertEquals(cap - len, r.free());
                MemorySegment peeked = Arena.ofAuto().allocate(len);
                r.peek(0, peeked, 0, len);
                assertArrayEquals(bytes(offset * 31, len), peeked.toArray(ValueLayout.JAVA_BYTE), "peek at offset " + offset);
                byte[] out = new byte[len];
                assertEquals(len, r.read(out, 0, len));
                assertArrayEquals(bytes(offset * 31, len), out, "offset " + offset + " len " + len);
                assertEquals(0, r.size());
            }
        }
    }

    @Test
    void writeReturnsWhatFits() {
        ByteRing r = new ByteRing(10);
        assertEquals(7, r.write(bytes(0, 7), 0, 7));
        assertEquals(3, r.write(bytes(7, 9), 0, 9));
        assertEquals(0, r.write(bytes(0, 1), 0, 1));
        byte[] out = new byte[20];
        assertEquals(10, r.read(out, 0, 20));
        assertArrayEquals(bytes(0, 10), java.util.Arrays.copyOf(out, 10));
    }

    @Test
    void writeAtStaysUnreadableUntilCommitted() {
        ByteRing r = new ByteRing(16);
        r.write(bytes(0, 10), 0, 10);
        r.skip(10);                                          // head at 10: what follows wraps
        r.writeAt(4, segmentOf(bytes(104, 6)), 0, 6);         // out of order: [4, 10)
        assertEquals(0, r.size());
        r.writeAt(0, segmentOf(bytes(100, 4)), 0, 4);         // the hole [0, 4) filled
        r.commit(10);
        assertEquals(10, r.size());
        byte[] out = new byte[10];
        assertEquals(10, r.read(out, 0, 10));
        assertArrayEquals(bytes(100, 10), out);
    }

    @Test
    void dataAheadSurvivesTheReaderEmptyingTheRing() {
        ByteRing r = new ByteRing(8);
        r.write(bytes(0, 3), 0, 3);
        r.writeAt(5, segmentOf(bytes(50, 2)), 0, 2);
        r.read(new byte[3], 0, 3);                            // empty now, but [2, 4) past head is stored
        r.writeAt(0, segmentOf(bytes(45, 2)), 0, 2);
        r.commit(4);
        byte[] out = new byte[4];
        r.read(out, 0, 4);
        assertArrayEquals(new byte[] {45, 46, 50, 51}, out);
    }

    @Test
    void peekAtAnOffsetThenSkip() {
        ByteRing r = new ByteRing(8);
        r.write(bytes(0, 6), 0, 6);
        r.skip(5);
        r.write(bytes(6, 6), 0, 6);                           // 5..11 held, wrapping
        MemorySegment dst = Arena.ofAuto().allocate(4);
        r.peek(2, dst, 0, 4);
        assertArrayEquals(bytes(7, 4), dst.toArray(ValueLayout.JAVA_BYTE));
        r.skip(3);
        MemorySegment rest = Arena.ofAuto().allocate(8);
        assertEquals(4, r.read(rest, 1, 7));
        assertArrayEquals(bytes(8, 4), rest.asSlice(1, 4).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void refusesOutOfRange() {
        ByteRing r = new ByteRing(8);
        r.write(bytes(0, 4), 0, 4);
        MemorySegment s = Arena.ofAuto().allocate(8);
        assertThrows(IndexOutOfBoundsException.class, () -> r.peek(2, s, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> r.skip(5));
        assertThrows(IndexOutOfBoundsException.class, () -> r.writeAt(6, s, 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> r.commit(5));
        assertThrows(IllegalArgumentException.class, () -> new ByteRing(0));
    }

    /** Random operations against a deque of bytes (readable) plus an array of bytes stored ahead. */
    @Test
    void matchesAReferenceUnderRandomOperations() {
        Random rnd = new Random(42);
        for (int cap : new int[] {1, 7, 64, 1000}) {
            ByteRing r = new ByteRing(cap);
            ArrayDeque<Byte> ref = new ArrayDeque<>();
            Byte[] ahead = new Byte[cap];                      // bytes stored by writeAt, by position past the head
            MemorySegment scratch = Arena.ofAuto().allocate(cap + 8);
            int next = 0;
            for (int op = 0; op < 20_000; op++) {
                int k = rnd.nextInt(6);
                int len = rnd.nextInt(cap + 2);
                if (k == 0) {
                    byte[] b = bytes(next, len);
                    int n = rnd.nextBoolean() ? r.write(b, 0, len) : r.write(segmentOf(b), 0, len);
                    assertEquals(Math.min(len, cap - ref.size()), n);
                    for (int i = 0; i < n; i++) ref.addLast(b[i]);
                    next += n;
                    java.util.Arrays.fill(ahead, null);        // the tail write may overwrite stored-ahead bytes
                } else if (k == 1) {
                    int free = cap - ref.size();
                    if (free == 0) continue;
                    int gap = rnd.nextInt(free);
                    int n = Math.min(rnd.nextInt(free - gap + 1), free - gap);
                    byte[] b = bytes(next, n);
                    r.writeAt(ref.size() + gap, segmentOf(b), 0, n);
                    for (int i = 0; i < n; i++) ahead[gap + i] = b[i];
                    next += n;
                    // commit the contiguous stored prefix, if any
                    int c = 0;
                    while (c < free && ahead[c] != null) c++;
                    if (c > 0 && rnd.nextBoolean()) {
                        r.commit(c);
                        for (int i = 0; i < c; i++) ref.addLast(ahead[i]);
                        System.arraycopy(ahead, c, ahead, 0, cap - c);
                        java.util.Arrays.fill(ahead, cap - c, cap, null);
                    }
                } else if (k == 2) {
                    int n = Math.min(len, ref.size());
                    byte[] got = new byte[len + 1];
                    if (rnd.nextBoolean()) {
                        assertEquals(n, r.read(scratch, 3, len));
                        MemorySegment.copy(scratch, ValueLayout.JAVA_BYTE, 3, got, 1, n);
                    } else {
                        assertEquals(n, r.read(got, 1, len));
                    }
                    for (int i = 0; i < n; i++) assertEquals((byte) ref.pollFirst(), got[1 + i], "cap " + cap + " op " + op);
                } else if (k == 3) {
                    int n = Math.min(len, ref.size());
                    r.skip(n);
                    for (int i = 0; i < n; i++) ref.pollFirst();
                } else {
                    if (ref.isEmpty()) continue;
                    int at = rnd.nextInt(ref.size());
                    int n = rnd.nextInt(ref.size() - at + 1);
                    r.peek(at, scratch, 5, n);
                    Byte[] all = ref.toArray(new Byte[0]);
                    for (int i = 0; i < n; i++) {
                        assertEquals((byte) all[at + i], scratch.get(ValueLayout.JAVA_BYTE, 5 + i), "cap " + cap + " op " + op);
                    }
                }
                assertEquals(ref.size(), r.size());
                assertEquals(cap - ref.size(), r.free());
            }
        }
    }
}
