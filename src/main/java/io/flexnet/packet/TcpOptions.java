package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/**
 * An allocation-free cursor over the options of one TCP header. Make one, keep it, and for each
 * header:
 * <pre>{@code
 * opts.wrap(segment, tcpOffset, bytesAvailable);
 * while (opts.next()) {
 *     switch (opts.kind()) {
 *         case TcpOptions.MSS -> mss = opts.mss();
 *         case TcpOptions.WINDOW_SCALE -> shift = opts.windowScale();
 *         default -> { }
 *     }
 * }
 * if (opts.malformed()) drop(...);
 * }</pre>
 * Every option is visited, NOPs included; the walk stops at End of Option List or at the end of the
 * header. A length byte below 2, an option running past the header, or a length that does not fit a
 * recognised kind (MSS 4, window scale 3, SACK-permitted 2, SACK 10/18/26/34, timestamps 10) stops the
 * walk with {@link #malformed()} set.
 */
public final class TcpOptions {
    public static final int EOL = 0;
    public static final int NOP = 1;
    public static final int MSS = 2;
    public static final int WINDOW_SCALE = 3;
    public static final int SACK_PERMITTED = 4;
    public static final int SACK = 5;
    public static final int TIMESTAMPS = 8;

    private MemorySegment segment;
    private long pos;
    private long end;
    private long current;
    private int kind;
    private int length;
    private boolean malformed;

    /**
     * Starts a walk over the options of the header at {@code tcpOff}, of which {@code available} bytes
     * are present. A data offset below 5 or a header longer than {@code available} is malformed.
     */
    public TcpOptions wrap(MemorySegment s, long tcpOff, int available) {
        this.segment = s;
        this.kind = -1;
        this.length = 0;
        this.current = -1;
        this.malformed = false;
        this.pos = tcpOff + TcpHeader.OPTIONS_OFFSET;
        if (available < TcpHeader.MIN_HEADER_LENGTH) {
            malformed = true;
            end = pos;
            return this;
        }
        int hlen = TcpHeader.headerLength(s, tcpOff);
        if (hlen < TcpHeader.MIN_HEADER_LENGTH || hlen > available) {
            malformed = true;
            end = pos;
        } else {
            end = tcpOff + hlen;
        }
        return this;
    }

    /** Moves to the next option; false at the end of the options or when they are malformed. */
    public boolean next() {
        if (pos >= end) return false;
        int k = Bytes.u8(segment, pos);
        if (k == EOL) {
            pos = end;
            return false;
        }
        if (k == NOP) return at(NOP, 1);
        if (pos + 1 >= end) return bad();
        int len = Bytes.u8(segment, pos + 1);
        if (len < 2 || pos + len > end || !lengthFits(k, len)) return bad();
        return at(k, len);
    }

    private boolean at(int k, int len) {
        kind = k;
        length = len;
        current = pos;
        pos += len;
        return true;
    }

    private boolean bad() {
        malformed = true;
        pos = end;
        return false;
    }

    private static boolean lengthFits(int kind, int len) {
        return switch (kind) {
            case MSS -> len == 4;
            case WINDOW_SCALE -> len == 3;
            case SACK_PERMITTED -> len == 2;
            case SACK -> len >= 10 && len <= 34 && (len - 2) % 8 == 0;
            case TIMESTAMPS -> len == 10;
            default -> true;
        };
    }

    /** Kind of the current option. */
    public int kind() { return kind; }
    /** Length of the current option, kind and length bytes included (1 for NOP). */
    public int length() { return length; }
    /** Absolute offset of the current option's kind byte. */
    public long offset() { return current; }
    /** True once the walk stopped at a malformed option or header. */
    public boolean malformed() { return malformed; }

    /** Maximum segment size, for the current {@link #MSS} option. */
    public int mss() { return Bytes.u16(segment, current + 2); }
    /** Shift count, for the current {@link #WINDOW_SCALE} option. */
    public int windowScale() { return Bytes.u8(segment, current + 2); }
    public long tsVal() { return Bytes.u32L(segment, current + 2); }
    public long tsEcr() { return Bytes.u32L(segment, current + 6); }
    /** Number of blocks of the current {@link #SACK} option. */
    public int sackBlocks() { return (length - 2) >>> 3; }
    public long sackLeft(int block) { return Bytes.u32L(segment, current + 2 + 8L * block); }
    public long sackRight(int block) { return Bytes.u32L(segment, current + 6 + 8L * block); }
}
