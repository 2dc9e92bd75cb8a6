package io.flexnet.proto.tcp;

import java.lang.foreign.MemorySegment;

/**
 * A connection's send or receive buffer: a fixed-size circular byte buffer allocated once, with
 * copies in and out of packet slots ({@link MemorySegment}s) and no allocation per call. Positions
 * are counted from the reader's head, so the send side keeps unacknowledged bytes at the head (read
 * them with {@link #peek}, drop them with {@link #skip} as they are acknowledged) and the receive side
 * writes out-of-order bytes ahead of its readable end with {@link #writeAt}.
 *
 * <p>Every copy is at most two bulk copies (before and after the wrap). Out-of-range requests
 * (peeking past the readable bytes, skipping more than are held) throw: they are the caller's bug.
 *
 * <p>Not thread-safe: the connection's owner serialises access.
 */
public final class ByteRing {
    private final byte[] buf;
    /** The same bytes as a segment, made once, for copies to and from packet slots. */
    private final MemorySegment seg;
    private int head;
    private int size;

    /** @param capacity bytes it holds */
    public ByteRing(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        buf = new byte[capacity];
        seg = MemorySegment.ofArray(buf);
    }

    public int capacity() { return buf.length; }
    /** Bytes readable from the head (contiguous data). */
    public int size() { return size; }
    /** Bytes that may still be appended: capacity - size. */
    public int free() { return buf.length - size; }

    /** Appends up to {@code len} bytes of {@code src} at the tail; returns how many fit. */
    public int write(MemorySegment src, long off, int len) {
        int n = Math.min(nonNegative(len), free());
        store(size, src, off, n);
        size += n;
        return n;
    }

    /** As {@link #write(MemorySegment, long, int)} from an array (application writes). */
    public int write(byte[] src, int off, int len) {
        int n = Math.min(nonNegative(len), free());
        int at = index(size);
        int first = Math.min(n, buf.length - at);
        System.arraycopy(src, off, buf, at, first);
        System.arraycopy(src, off + first, buf, 0, n - first);
        size += n;
        return n;
    }

    /**
     * Stores {@code len} bytes at {@code at} bytes past the head without making them readable (the
     * receive side's out-of-order data); the range must lie within capacity. {@link #commit} later
     * makes bytes up to a point readable.
     */
    public void writeAt(int at, MemorySegment src, long off, int len) {
        if (at < 0 || len < 0 || (long) at + len > buf.length) {
            throw new IndexOutOfBoundsException("writeAt [" + at + ", " + ((long) at + len) + ") outside capacity " + buf.length);
        }
        store(at, src, off, len);
    }

    /** Makes {@code n} more bytes past the current end readable (they were stored by {@link #writeAt}). */
    public void commit(int n) {
        if (n < 0 || n > free()) throw new IndexOutOfBoundsException("commit " + n + " with " + free() + " free");
        size += n;
    }

    /** Copies {@code len} bytes starting {@code at} bytes past the head into {@code dst}, consuming nothing. */
    public void peek(int at, MemorySegment dst, long off, int len) {
        if (at < 0 || len < 0 || (long) at + len > size) {
            throw new IndexOutOfBoundsException("peek [" + at + ", " + ((long) at + len) + ") past " + size + " readable bytes");
        }
        load(at, dst, off, len);
    }

    /** Copies up to {@code len} bytes from the head into {@code dst} and consumes them; returns how many. */
    public int read(MemorySegment dst, long off, int len) {
        int n = Math.min(nonNegative(len), size);
        load(0, dst, off, n);
        consume(n);
        return n;
    }

    /** As {@link #read(MemorySegment, long, int)} into an array (application reads). */
    public int read(byte[] dst, int off, int len) {
        int n = Math.min(nonNegative(len), size);
        int first = Math.min(n, buf.length - head);
        System.arraycopy(buf, head, dst, off, first);
        System.arraycopy(buf, 0, dst, off + first, n - first);
        consume(n);
        return n;
    }

    /** Consumes {@code n} bytes from the head (acknowledged data). */
    public void skip(int n) {
        if (n < 0 || n > size) throw new IndexOutOfBoundsException("skip " + n + " of " + size + " readable bytes");
        consume(n);
    }

    /** Empties it. */
    public void clear() {
        head = 0;
        size = 0;
    }

    private void consume(int n) {
        head = index(n);
        size -= n;                  // head stays where it is even when empty: writeAt data may lie ahead
    }

    private int index(int fromHead) {
        int i = head + fromHead;
        return i >= buf.length ? i - buf.length : i;
    }

    private void store(int fromHead, MemorySegment src, long off, int n) {
        int at = index(fromHead);
        int first = Math.min(n, buf.length - at);
        MemorySegment.copy(src, off, seg, at, first);
        MemorySegment.copy(src, off + first, seg, 0, n - first);
    }

    private void load(int fromHead, MemorySegment dst, long off, int n) {
        int at = index(fromHead);
        int first = Math.min(n, buf.length - at);
        MemorySegment.copy(seg, at, dst, off, first);
        MemorySegment.copy(seg, 0, dst, off + first, n - first);
    }

    private static int nonNegative(int len) {
        if (len < 0) throw new IllegalArgumentException("length cannot be negative: " + len);
        return len;
    }
}
