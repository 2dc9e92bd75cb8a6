package io.flexnet.proto.tcp;

import java.lang.foreign.MemorySegment;

/**
 * A connection's send or receive buffer: a fixed-size circular byte buffer allocated once, with
 * copies in and out of packet slots ({@link MemorySegment}s) and no allocation per call. Positions
 * are counted from the reader's head, so the send side keeps unacknowledged bytes at the head (read
 * them with {@link #peek}, drop them with {@link #skip} as they are acknowledged) and the receive side
 * writes out-of-order bytes ahead of its readable end with {@link #writeAt}.
 *
 * <p>Not thread-safe: the connection's owner serialises access.
 */
public final class ByteRing {
    /** @param capacity bytes it holds */
    public ByteRing(int capacity) { throw new UnsupportedOperationException("not built yet"); }

    public int capacity() { throw new UnsupportedOperationException(); }
    /** Bytes readable from the head (contiguous data). */
    public int size() { throw new UnsupportedOperationException(); }
    /** Bytes that may still be appended: capacity - size. */
    public int free() { throw new UnsupportedOperationException(); }

    /** Appends up to {@code len} bytes of {@code src} at the tail; returns how many fit. */
    public int write(MemorySegment src, long off, int len) { throw new UnsupportedOperationException(); }
    /** As {@link #write(MemorySegment, long, int)} from an array (application writes). */
    public int write(byte[] src, int off, int len) { throw new UnsupportedOperationException(); }

    /**
     * Stores {@code len} bytes at {@code at} bytes past the head without making them readable (the
     * receive side's out-of-order data); the range must lie within capacity. {@link #commit} later
     * makes bytes up to a point readable.
     */
    public void writeAt(int at, MemorySegment src, long off, int len) { throw new UnsupportedOperationException(); }

    /** Makes {@code n} more bytes past the current end readable (they were stored by {@link #writeAt}). */
    public void commit(int n) { throw new UnsupportedOperationException(); }

    /** Copies {@code len} bytes starting {@code at} bytes past the head into {@code dst}, consuming nothing. */
    public void peek(int at, MemorySegment dst, long off, int len) { throw new UnsupportedOperationException(); }

    /** Copies up to {@code len} bytes from the head into {@code dst} and consumes them; returns how many. */
    public int read(MemorySegment dst, long off, int len) { throw new UnsupportedOperationException(); }
    /** As {@link #read(MemorySegment, long, int)} into an array (application reads). */
    public int read(byte[] dst, int off, int len) { throw new UnsupportedOperationException(); }

    /** Consumes {@code n} bytes from the head (acknowledged data). */
    public void skip(int n) { throw new UnsupportedOperationException(); }

    /** Empties it. */
    public void clear() { throw new UnsupportedOperationException(); }
}
