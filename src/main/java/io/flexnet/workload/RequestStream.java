// One TCP connection's requests as the server parses them: frames cut from segments that may arrive on any worker.
package io.flexnet.workload;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Counters;
import io.flexnet.packet.Packet;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.TcpException;
import java.lang.foreign.MemorySegment;

/**
 * The server's side of one connection's {@link StreamFraming} frames, kept as the connection's
 * attachment. Bytes reach it two ways: a segment delivered in place at a pipeline's {@code yield()}
 * ({@link #inPlace}), whose replies are written over it in its own slot, and bytes the connection
 * buffered (a segment that came out of order, or while others were buffered), read by {@link #drain}
 * on whichever thread gets there and answered through the send buffer.
 *
 * <p>A frame's bytes may come in several segments, and a design may carry one connection's segments
 * on several workers at once, so a segment may reach this object before the one in front of it. Bytes
 * are therefore parsed strictly in sequence order: a segment early for its turn is copied aside and
 * parsed by whoever parses the bytes in front of it, never waited for, so no worker ever waits on
 * another. Parsing keeps only a frame's length and its first {@link KvRequest#LENGTH} bytes (what
 * the reply is made of); a frame's padding is counted, not kept.
 *
 * <p>A frame announcing an impossible length breaks the stream: the connection is reset (the caller
 * counts it).
 */
public final class RequestStream {
    /** What a call found wrong with the stream: the connection is reset. */
    public static final long BROKEN = -1;

    private final StreamConnection connection;
    /** Sequence number of the next byte to parse. */
    private int next;
    /** Length and first bytes of the frame being parsed. */
    private final MemorySegment head = MemorySegment.ofArray(new byte[StreamFraming.REPLY]);
    private int prefixHave;
    private long frameLength, bodyHave;
    /** Replies of the last parse, and the work they asked for. */
    private MemorySegment out = MemorySegment.ofArray(new byte[64 * StreamFraming.REPLY]);
    private int outLength, outFrames;
    private long outService;
    /** Segments that came before their turn: their bytes, sequence numbers and lengths. */
    private MemorySegment early = MemorySegment.NULL;
    private int[] earlySeq = new int[4], earlyAt = new int[4], earlyLen = new int[4];
    private int earlyCount, earlyUsed;
    /** Buffered bytes are read into this, made on first use. */
    private MemorySegment readBuf;
    private boolean broken, draining;

    private RequestStream(StreamConnection connection) {
        this.connection = connection;
        this.next = connection == null ? 0 : connection.firstReceiveSequence();
    }

    /**
     * A parser for bytes an application reads from a socket (one reader, in order; no connection of
     * its own): {@link #read} parses, {@link #replies} holds the answers to send back.
     */
    public static RequestStream forSocket() { return new RequestStream(null); }

    /**
     * Parses {@code len} bytes read from a socket; returns how many frames they completed, whose replies
     * are the first {@link #repliesLength} bytes of {@link #replies} (until the next call), or -1 when the
     * bytes are not frames (the stream is broken).
     */
    public int read(MemorySegment s, long off, int len) {
        if (broken) return -1;
        startOut();
        if (!parse(s, off, len)) {
            fail();
            return -1;
        }
        return outFrames;
    }

    public MemorySegment replies() { return out; }

    public int repliesLength() { return outLength; }

    /** Service nanoseconds the frames of the last {@link #read} ask for. */
    public long service() { return outService; }

    /**
     * The stream of {@code c}, made and attached on first call (from whichever thread comes first: the
     * accept, or a worker with the first segment); {@code onReadable} is what runs when the connection
     * buffers bytes.
     */
    public static RequestStream of(StreamConnection c, StreamConnection.Notifier onReadable) {
        Object a = c.attachment();
        if (a instanceof RequestStream r) return r;
        synchronized (c) {
            a = c.attachment();
            if (a instanceof RequestStream r) return r;
            RequestStream r = new RequestStream(c);
            c.noDelay(true);  // replies are small and wanted at once
            c.attach(r);
            c.notifier(onReadable);
            return r;
        }
    }

    public StreamConnection connection() { return connection; }

    /**
     * Parses the in-place segment in {@code p} (payload where the TCP layer left it) and writes the
     * replies to every frame it completed over its payload; replies to bytes parsed behind it (earlier
     * segments' leftovers, buffered bytes) go through the send buffer. Returns the service nanoseconds
     * all those requests ask for, and counts each in {@code counters} at {@code served}; {@link #BROKEN} when the stream is.
     * {@code p.payloadLength} is the replies' length after the call (0: nothing to answer yet).
     */
    public long inPlace(Packet p, Counters counters, int served) {
        final MemorySegment s = p.segment();
        final int seq = Bytes.i32(s, p.l4Offset + 4);
        final int len = p.payloadLength;
        synchronized (this) {
            if (broken) return BROKEN;
            if (seq != next) {
                if (seq - next < 0) return fail();  // bytes parsed already: the transport delivered them twice
                keepEarly(s, p.payloadOffset, seq, len);
                p.payloadLength = 0;
                return 0;
            }
            startOut();
            if (!parse(s, p.payloadOffset, len)) return fail();
            next += len;
            // This segment's replies go back in its own slot, as many as fit.
            long room = s.byteSize() - p.payloadOffset;
            int inSlot = (int) Math.min(outLength, room / StreamFraming.REPLY * StreamFraming.REPLY);
            MemorySegment.copy(out, 0, s, p.payloadOffset, inSlot);
            p.payloadLength = inSlot;
            counters.add(served, outFrames);
            long service = outService;
            if (inSlot < outLength && !send(inSlot)) return fail();
            long behind = catchUp(counters, served);
            return behind < 0 ? behind : service + behind;
        }
    }

    /**
     * Reads and answers what the connection buffered, when it is this stream's turn (nothing in place
     * is still being parsed in front of it); returns the service nanoseconds asked for, or
     * {@link #BROKEN}. Safe from any thread, and from inside a notifier the stream's own calls set off.
     */
    public long drain(Counters counters, int served) {
        synchronized (this) {
            if (broken) return BROKEN;
            if (draining) return 0;  // a read inside the drain made the connection call back
            return catchUp(counters, served);
        }
    }

    /** Parses early segments now in turn and buffered bytes, answering through the send buffer. */
    private long catchUp(Counters counters, int served) {
        long service = 0;
        draining = true;
        try {
            while (true) {
                int e = earlyAt(next);
                if (e >= 0) {
                    startOut();
                    int len = earlyLen[e];
                    if (!parse(early, earlyAt[e], len)) return fail();
                    next += len;
                    dropEarly(e);
                } else if (connection.readable() > 0 && connection.receiveSequence() == next) {
                    if (readBuf == null) readBuf = MemorySegment.ofArray(new byte[16 * 1024]);
                    int n = connection.read(readBuf, 0, (int) readBuf.byteSize());
                    if (n <= 0) break;
                    startOut();
                    if (!parse(readBuf, 0, n)) return fail();
                    next += n;
                } else {
                    break;
                }
                counters.add(served, outFrames);
                service += outService;
                if (!send(0)) return fail();
            }
            if (earlyCount == 0 && connection.eof()) connection.close();
            return service;
        } catch (TcpException reset) {
            return service;  // the peer went away: nothing to answer
        } finally {
            draining = false;
        }
    }

    /** Writes the replies from {@code from} on through the send buffer, whole or not at all. */
    private boolean send(int from) {
        int n = outLength - from;
        if (n == 0) return true;
        try {
            if (connection.writable() < n) return true;  // the client reads no more: its replies are lost with it
            connection.write(out, from, n);
            return true;
        } catch (TcpException reset) {
            return true;
        }
    }

    private void startOut() {
        outLength = outFrames = 0;
        outService = 0;
    }

    /** Parses {@code len} bytes at {@code off}, adding a reply for every frame they complete. */
    private boolean parse(MemorySegment s, long off, int len) {
        long pos = off;
        final long end = off + len;
        while (pos < end) {
            if (prefixHave < StreamFraming.PREFIX) {
                int take = (int) Math.min(StreamFraming.PREFIX - prefixHave, end - pos);
                MemorySegment.copy(s, pos, head, prefixHave, take);
                prefixHave += take;
                pos += take;
                if (prefixHave == StreamFraming.PREFIX) {
                    frameLength = StreamFraming.length(head, 0);
                    if (!StreamFraming.plausible(frameLength)) return false;
                    bodyHave = 0;
                }
                continue;
            }
            long take = Math.min(frameLength - bodyHave, end - pos);
            if (bodyHave < KvRequest.LENGTH) {
                int h = (int) Math.min(KvRequest.LENGTH - bodyHave, take);
                MemorySegment.copy(s, pos, head, StreamFraming.PREFIX + bodyHave, h);
            }
            bodyHave += take;
            pos += take;
            if (bodyHave == frameLength) {
                reply();
                prefixHave = 0;
            }
        }
        return true;
    }

    private void reply() {
        if (outLength + StreamFraming.REPLY > out.byteSize()) {
            MemorySegment bigger = MemorySegment.ofArray(new byte[(int) out.byteSize() * 2]);
            MemorySegment.copy(out, 0, bigger, 0, outLength);
            out = bigger;
        }
        StreamFraming.writeReply(out, outLength, head, StreamFraming.PREFIX);
        outLength += StreamFraming.REPLY;
        outFrames++;
        outService += KvRequest.serviceNanos(head, StreamFraming.PREFIX);
    }

    private long fail() {
        broken = true;
        return BROKEN;
    }

    // ---- segments before their turn ----

    private void keepEarly(MemorySegment s, long off, int seq, int len) {
        if (early.byteSize() < earlyUsed + (long) len) {
            MemorySegment bigger = MemorySegment.ofArray(new byte[(int) Math.max(4096, (earlyUsed + (long) len) * 2)]);
            if (earlyUsed > 0) MemorySegment.copy(early, 0, bigger, 0, earlyUsed);
            early = bigger;
        }
        if (earlyCount == earlySeq.length) {
            earlySeq = java.util.Arrays.copyOf(earlySeq, earlyCount * 2);
            earlyAt = java.util.Arrays.copyOf(earlyAt, earlyCount * 2);
            earlyLen = java.util.Arrays.copyOf(earlyLen, earlyCount * 2);
        }
        MemorySegment.copy(s, off, early, earlyUsed, len);
        earlySeq[earlyCount] = seq;
        earlyAt[earlyCount] = earlyUsed;
        earlyLen[earlyCount] = len;
        earlyCount++;
        earlyUsed += len;
    }

    private int earlyAt(int seq) {
        for (int i = 0; i < earlyCount; i++) if (earlySeq[i] == seq) return i;
        return -1;
    }

    private void dropEarly(int i) {
        earlyCount--;
        earlySeq[i] = earlySeq[earlyCount];
        earlyAt[i] = earlyAt[earlyCount];
        earlyLen[i] = earlyLen[earlyCount];
        if (earlyCount == 0) earlyUsed = 0;  // the bytes are reused once every early segment is parsed
    }

    /** Segments held before their turn now (for tests). */
    public synchronized int early() { return earlyCount; }
}
