// Frames cut from a TCP stream however its segments fall, and in whatever order workers bring them.
package io.flexnet.workload;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Counters;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.TcpState;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestStreamTest {
    private static final int ISN = 0x7FFF_FFF0;  // the sequence numbers wrap inside the stream

    /** Three requests of 21, 100 and 3,000 bytes as a client writes them. */
    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] sizes = {21, 100, 3000};
        for (int i = 0; i < sizes.length; i++) {
            byte[] f = new byte[StreamFraming.frame(sizes[i])];
            MemorySegment s = MemorySegment.ofArray(f);
            StreamFraming.writePrefix(s, 0, sizes[i]);
            KvRequest.write(s, StreamFraming.PREFIX, 1000 + i, KvRequest.GET, i, 1, 1000L * (i + 1));
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    private static List<Long> ids(MemorySegment replies, long off, int len) {
        List<Long> ids = new ArrayList<>();
        for (int at = 0; at < len; at += StreamFraming.REPLY) {
            assertEquals(KvRequest.LENGTH, StreamFraming.length(replies, off + at), "a reply frame's length");
            ids.add(KvRequest.id(replies, off + at + StreamFraming.PREFIX));
        }
        return ids;
    }

    @Test
    void framesAreFoundWhereverTheReadsCutTheStream() {
        byte[] bytes = stream();
        for (int cut = 1; cut <= 64; cut++) {
            RequestStream r = RequestStream.forSocket();
            List<Long> got = new ArrayList<>();
            long service = 0;
            for (int at = 0; at < bytes.length; at += cut) {
                int n = Math.min(cut, bytes.length - at);
                int frames = r.read(MemorySegment.ofArray(bytes), at, n);
                assertTrue(frames >= 0);
                got.addAll(ids(r.replies(), 0, r.repliesLength()));
                service += r.service();
            }
            assertEquals(List.of(1000L, 1001L, 1002L), got, "reads of " + cut + " bytes");
            assertEquals(6000, service, "each request's work counted once");
        }
    }

    @Test
    void aFrameOfAnImpossibleLengthBreaksTheStream() {
        RequestStream r = RequestStream.forSocket();
        byte[] bad = new byte[8];
        Bytes.i32(MemorySegment.ofArray(bad), 0, 3);  // shorter than a request header
        assertEquals(-1, r.read(MemorySegment.ofArray(bad), 0, bad.length));
        assertEquals(-1, r.read(MemorySegment.ofArray(stream()), 0, 10), "broken for good");
    }

    @Test
    void segmentsBroughtOutOfOrderAreParsedInSequenceOrderAndAnsweredOnce() {
        byte[] bytes = stream();  // 3,133 bytes: three segments of at most 1,448
        FakeConnection c = new FakeConnection();
        RequestStream r = RequestStream.of(c, (conn, ev) -> { });
        assertSame(r, RequestStream.of(c, (conn, ev) -> { }), "one stream per connection");
        assertTrue(c.noDelay);
        PacketPool pool = new PacketPool(8);
        Counters counters = new Counters("t", "served");
        Packet s1 = segment(pool, bytes, 0, 1448), s2 = segment(pool, bytes, 1448, 1448), s3 = segment(pool, bytes, 2896, bytes.length - 2896);

        // The third segment's worker gets there first, then the second's: both are early.
        assertEquals(0, r.inPlace(s3, counters, 0));
        assertEquals(0, s3.payloadLength, "nothing to answer yet");
        assertEquals(0, r.inPlace(s2, counters, 0));
        assertEquals(2, r.early());
        // The first completes two requests in place; the third request, completed by the early
        // segments parsed behind it, is answered through the send buffer.
        long service = r.inPlace(s1, counters, 0);
        assertEquals(6000, service, "the work of all three");
        assertEquals(List.of(1000L, 1001L), ids(s1.segment(), s1.payloadOffset, s1.payloadLength));
        assertEquals(List.of(1002L), ids(MemorySegment.ofArray(c.written.toByteArray()), 0, c.written.size()));
        assertEquals(0, r.early());
        assertEquals(3, counters.get(0));
        for (Packet p : List.of(s1, s2, s3)) p.release();
        assertEquals(pool.capacity(), pool.available());
    }

    @Test
    void bytesTheConnectionBufferedWaitForTheSegmentsInFrontOfThem() {
        byte[] bytes = stream();
        FakeConnection c = new FakeConnection();
        RequestStream r = RequestStream.of(c, (conn, ev) -> { });
        PacketPool pool = new PacketPool(4);
        Counters counters = new Counters("t", "served");
        // The second half came out of order and was buffered; the first half is still on its worker.
        c.buffer(bytes, 1448, bytes.length - 1448, ISN + 1 + 1448);
        assertEquals(0, r.drain(counters, 0), "not its turn: nothing read");
        assertEquals(bytes.length - 1448, c.readable());
        Packet first = segment(pool, bytes, 0, 1448);
        assertEquals(6000, r.inPlace(first, counters, 0));
        assertEquals(List.of(1000L, 1001L), ids(first.segment(), first.payloadOffset, first.payloadLength));
        assertEquals(List.of(1002L), ids(MemorySegment.ofArray(c.written.toByteArray()), 0, c.written.size()));
        assertEquals(0, c.readable());
        first.release();
    }

    private static Packet segment(PacketPool pool, byte[] stream, int at, int len) {
        Packet p = pool.allocate();
        p.l4Offset = p.offset + 34;
        Bytes.i32(p.segment(), p.l4Offset + 4, ISN + 1 + at);
        p.payloadOffset = p.l4Offset + 20;
        p.payloadLength = len;
        MemorySegment.copy(MemorySegment.ofArray(stream), at, p.segment(), p.payloadOffset, len);
        return p;
    }

    /** A connection's face, with a receive buffer filled by the test and a send buffer it reads. */
    private static final class FakeConnection implements StreamConnection {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        byte[] buffered = new byte[0];
        int bufferedAt, bufferedSeq;
        boolean noDelay;
        Object attachment;

        void buffer(byte[] b, int off, int len, int seq) {
            buffered = java.util.Arrays.copyOfRange(b, off, off + len);
            bufferedAt = 0;
            bufferedSeq = seq;
        }

        @Override public int read(byte[] dst, int off, int len) { throw new UnsupportedOperationException(); }
        @Override public int read(MemorySegment dst, long off, int len) {
            int n = Math.min(len, buffered.length - bufferedAt);
            MemorySegment.copy(MemorySegment.ofArray(buffered), bufferedAt, dst, off, n);
            bufferedAt += n;
            bufferedSeq += n;
            return n;
        }
        @Override public int write(byte[] src, int off, int len) { throw new UnsupportedOperationException(); }
        @Override public int write(MemorySegment src, long off, int len) {
            written.writeBytes(src.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            return len;
        }
        @Override public int readable() { return buffered.length - bufferedAt; }
        @Override public int receiveSequence() { return bufferedSeq; }
        @Override public int firstReceiveSequence() { return ISN + 1; }
        @Override public int writable() { return 1 << 20; }
        @Override public boolean eof() { return false; }
        @Override public void shutdownOutput() { }
        @Override public void close() { }
        @Override public void abort() { }
        @Override public TcpState state() { return TcpState.ESTABLISHED; }
        @Override public int localIp() { return 1; }
        @Override public int localPort() { return 9000; }
        @Override public int remoteIp() { return 2; }
        @Override public int remotePort() { return 40000; }
        @Override public Object attachment() { return attachment; }
        @Override public void attach(Object o) { attachment = o; }
        @Override public void notifier(Notifier n) { }
        @Override public void noDelay(boolean on) { noDelay = on; }
    }
}
