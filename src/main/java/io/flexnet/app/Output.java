package io.flexnet.app;

import java.util.Arrays;

/**
 * What a connection owes its peer: bytes appended by the session, then at most one generated body
 * produced piecewise as the transport sends ({@link #stream}), so a 64 MiB response costs a chunk of
 * memory, not 64 MiB.
 *
 * <p>The buffer starts small and doubles when a response needs it; it is reused for the connection's
 * life, so a steady stream of responses allocates nothing. Append methods are for the session, the
 * {@code pending…}/{@link #sent} pair for the transport.
 */
public final class Output {
    /** Above this many unsent bytes the output is {@link #busy}: sessions stop taking requests. */
    public static final int BUSY_BYTES = 64 * 1024;
    /** Bytes of a generated body produced per refill. */
    static final int CHUNK = 32 * 1024;
    private static final byte[] DIGITS = "0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buf;
    private int head, tail;
    /** Generated body bytes still to produce after the buffer, and the offset of the next one. */
    private long bodyLeft, bodyAt;
    private final byte[] scratch = new byte[20];

    public Output() { this(4096); }

    public Output(int initial) { buf = new byte[Math.max(64, initial)]; }

    // ---- for the session ----

    public Output put(byte b) {
        room(1);
        buf[tail++] = b;
        return this;
    }

    public Output put(byte[] b) { return put(b, 0, b.length); }

    public Output put(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, buf, tail, len);
        tail += len;
        return this;
    }

    /** The decimal digits of {@code v} (with '-' when negative), as ASCII. */
    public Output putDecimal(long v) {
        if (v == Long.MIN_VALUE) return put("-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        int i = scratch.length;
        do {
            scratch[--i] = DIGITS[(int) (v % 10)];
            v /= 10;
        } while (v != 0);
        return put(scratch, i, scratch.length - i);
    }

    /** ASCII text, for rare paths (errors): it allocates. */
    public Output putAscii(String s) { return put(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)); }

    /**
     * After what is buffered, {@code length} bytes of {@link Bodies#fill generated body} from offset 0.
     * Only one may be pending: sessions take no request while the output is {@link #busy}.
     */
    public void stream(long length) {
        if (length < 0) throw new IllegalArgumentException("body length must be >= 0, got " + length);
        if (bodyLeft != 0) throw new IllegalStateException("a generated body is pending already");
        bodyLeft = length;
        bodyAt = 0;
    }

    /** Too much is owed for the session to take another request now. */
    public boolean busy() { return bodyLeft != 0 || tail - head >= BUSY_BYTES; }

    // ---- for the transport ----

    /** Nothing left to send. */
    public boolean empty() { return head == tail && bodyLeft == 0; }

    /** Bytes buffered now, beginning at {@link #pendingOffset} of {@link #pendingArray} (refilled from the body when the buffer ran dry). */
    public int pendingLength() {
        if (head == tail && bodyLeft != 0) refill();
        return tail - head;
    }

    public byte[] pendingArray() { return buf; }

    public int pendingOffset() { return head; }

    /** The transport sent {@code n} of the pending bytes. */
    public void sent(int n) {
        if (n < 0 || n > tail - head) throw new IllegalArgumentException("sent " + n + " of " + (tail - head));
        head += n;
        if (head == tail) head = tail = 0;
    }

    /** Bytes owed in all, the rest of a generated body included. */
    public long owed() { return tail - head + bodyLeft; }

    /** Forgets what is owed (the connection is gone). */
    public void clear() {
        head = tail = 0;
        bodyLeft = 0;
    }

    private void refill() {
        int n = (int) Math.min(bodyLeft, Math.min(CHUNK, buf.length));
        Bodies.fill(buf, 0, n, bodyAt);
        head = 0;
        tail = n;
        bodyAt += n;
        bodyLeft -= n;
    }

    private void room(int n) {
        if (buf.length - tail >= n) return;
        if (head > 0) {  // slide what is unsent to the front first
            System.arraycopy(buf, head, buf, 0, tail - head);
            tail -= head;
            head = 0;
            if (buf.length - tail >= n) return;
        }
        long want = Math.max((long) buf.length * 2, (long) tail + n);
        if (want > Integer.MAX_VALUE - 16) throw new IllegalStateException("output of " + want + " bytes");
        buf = Arrays.copyOf(buf, (int) want);
    }
}
