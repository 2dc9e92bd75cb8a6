package io.flexnet.app;

import java.io.IOException;
import java.util.Arrays;

/**
 * One connection's work, the same on every transport: an input buffer, the {@link Session}, and its
 * {@link Output}. {@link #pump} reads, hands whole requests to the session, and writes the responses,
 * until the stream would block; the transport calls it again when the connection changes.
 *
 * <p>The input buffer grows (doubling) only while one request does not fit, up to {@code maxInput};
 * a request longer than that is the session's {@link Session#onOverflow} to answer.
 */
final class Exchange {
    /** What {@link #pump} left the connection waiting for. */
    static final int WAIT_READ = 0, WAIT_WRITE = 1, CLOSE = 2, EOF = 3;

    private final Session session;
    private final Output out = new Output();
    private final int maxInput;
    private byte[] in;
    private int start, end;
    private boolean eof;

    Exchange(Session session, int initialInput, int maxInput) {
        this.session = session;
        this.in = new byte[initialInput];
        this.maxInput = maxInput;
    }

    Session session() { return session; }
    Output output() { return out; }
    byte[] input() { return in; }

    /**
     * Works the connection until it would block: returns {@link #WAIT_READ} or {@link #WAIT_WRITE},
     * {@link #CLOSE} when the session asked to close and everything owed was sent, or {@link #EOF} when
     * the peer ended its stream and everything owed was sent.
     */
    int pump(ByteStream s) throws IOException {
        for (;;) {
            if (!flush(s)) return WAIT_WRITE;
            if (session.closing()) return CLOSE;
            if (end > start) {
                int used = session.onInput(in, start, end - start, out);
                start += used;
                if (start == end) start = end = 0;
                if (!out.empty() || session.closing()) continue;
                if (used > 0) continue;  // took requests that needed no answer
            }
            if (eof) return EOF;
            if (!room()) continue;  // overflow answered: flush it and close
            int n = s.read(in, end, in.length - end);
            if (n < 0) {
                eof = true;
                if (end > start) continue;  // a last request may be whole
                return EOF;
            }
            if (n == 0) return WAIT_READ;
            end += n;
        }
    }

    /**
     * Appends {@code len} bytes that arrived in place (run to completion: they never passed a socket
     * buffer). False when they overflow the input limit: the session has answered the overflow and
     * nothing more is read, as {@link #pump} does.
     */
    boolean feed(java.lang.foreign.MemorySegment s, long off, int len) {
        while (in.length - end < len) {
            if (start > 0) {
                System.arraycopy(in, start, in, 0, end - start);
                end -= start;
                start = 0;
            } else if (in.length < maxInput) {
                in = Arrays.copyOf(in, Math.min(maxInput, Math.max(in.length * 2, end + len)));
            } else {
                session.onOverflow(maxInput, out);
                start = end = 0;
                eof = true;
                return false;
            }
        }
        java.lang.foreign.MemorySegment.copy(s, java.lang.foreign.ValueLayout.JAVA_BYTE, off, in, end, len);
        end += len;
        return true;
    }

    /**
     * Hands the buffered requests to the session while nothing is owed, as {@link #pump} would before
     * reading again; the answers wait in {@link #output()}.
     */
    void serveBuffered() {
        while (end > start && out.empty() && !session.closing() && !eof) {
            int used = session.onInput(in, start, end - start, out);
            start += used;
            if (start == end) start = end = 0;
            if (used == 0) return;  // an incomplete request: wait for the rest
        }
    }

    /** Whether it holds requests not yet handed to the session, or answers not yet sent. */
    boolean hasWork() { return end > start || !out.empty(); }

    /** Sends what it can; true when nothing is owed any more. */
    private boolean flush(ByteStream s) throws IOException {
        while (!out.empty()) {
            int len = out.pendingLength();
            int n = s.write(out.pendingArray(), out.pendingOffset(), len);
            if (n <= 0) return false;
            out.sent(n);
        }
        return true;
    }

    /** Makes room to read into; false when the request in the buffer is over the limit (answered). */
    private boolean room() {
        if (end < in.length) return true;
        if (start > 0) {
            System.arraycopy(in, start, in, 0, end - start);
            end -= start;
            start = 0;
            return true;
        }
        if (in.length >= maxInput) {
            session.onOverflow(maxInput, out);
            start = end = 0;
            eof = true;  // read no more: what follows the overflowing request cannot be framed
            return false;
        }
        in = Arrays.copyOf(in, Math.min(maxInput, in.length * 2));
        return true;
    }
}
