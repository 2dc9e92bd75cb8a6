package io.flexnet.nic;

import io.flexnet.packet.Packet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes classic libpcap files (version 2.4, LINKTYPE_ETHERNET), with microsecond or nanosecond
 * timestamps, in little-endian order as tcpdump on x86 does. Frames longer than the snaplen are cut,
 * keeping their original length in the record.
 *
 * <p>Thread-safe: every write is one synchronized append. Records gather in one reusable direct buffer
 * that is written out when full, on {@link #flush} and on {@link #close}, so capturing a frame copies it
 * once and allocates nothing. Write failures surface as {@link UncheckedIOException} so a capture tap
 * can sit in code that cannot throw checked exceptions.
 */
public final class PcapWriter implements AutoCloseable {
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    public static final int VERSION_MAJOR = 2;
    public static final int VERSION_MINOR = 4;
    public static final int LINKTYPE_ETHERNET = 1;
    /** tcpdump's default snapshot length since 4.0: whole frames, jumbo ones included. */
    public static final int DEFAULT_SNAPLEN = 262_144;
    public static final int GLOBAL_HEADER_BYTES = 24;
    public static final int RECORD_HEADER_BYTES = 16;

    /** Timestamp resolution, chosen by the file's magic number. */
    public enum Precision { MICROS, NANOS }

    private static final int BUFFER_BYTES = CaptureBuffer.BYTES;

    private final CaptureBuffer sink;
    private final ByteBuffer buf;
    private final MemorySegment bufSeg;
    private final int snaplen;
    private final boolean nanos;
    private long records;
    private boolean closed;

    /** Microsecond pcap with the default snaplen, creating or truncating {@code file}. */
    public static PcapWriter create(Path file) throws IOException {
        return create(file, Precision.MICROS, DEFAULT_SNAPLEN);
    }

    public static PcapWriter create(Path file, Precision precision, int snaplen) throws IOException {
        return CaptureBuffer.create(file, ch -> new PcapWriter(ch, precision, snaplen));
    }

    /** Writes the file header to {@code out} at once; the writer owns {@code out} and closes it. */
    public PcapWriter(WritableByteChannel out, Precision precision, int snaplen) throws IOException {
        if (snaplen <= 0) throw new IllegalArgumentException("snaplen must be > 0, got " + snaplen);
        this.sink = new CaptureBuffer(out, "pcap");
        this.snaplen = snaplen;
        this.nanos = precision == Precision.NANOS;
        this.buf = sink.buf;
        this.bufSeg = sink.seg;
        buf.putInt(nanos ? MAGIC_NANOS : MAGIC_MICROS)
                .putShort((short) VERSION_MAJOR)
                .putShort((short) VERSION_MINOR)
                .putInt(0)            // thiszone: timestamps are UTC
                .putInt(0)            // sigfigs: unused by every reader
                .putInt(snaplen)
                .putInt(LINKTYPE_ETHERNET);
        sink.drain();
    }

    /** Appends one frame of {@code len} bytes at {@code off} in {@code seg}, stamped {@code timestampNanos} since the epoch. */
    public synchronized void write(MemorySegment seg, long off, int len, long timestampNanos) {
        int incl = beginRecord(len, timestampNanos);
        if (incl <= buf.remaining()) {
            MemorySegment.copy(seg, off, bufSeg, buf.position(), incl);
            buf.position(buf.position() + incl);
        } else {
            sink.writeThrough(seg.asSlice(off, incl).asByteBuffer());  // bigger than the buffer: rare, may allocate
        }
    }

    public void write(byte[] frame, long timestampNanos) {
        write(frame, 0, frame.length, timestampNanos);
    }

    public synchronized void write(byte[] frame, int off, int len, long timestampNanos) {
        Objects.checkFromIndexSize(off, len, frame.length);
        int incl = beginRecord(len, timestampNanos);
        if (incl <= buf.remaining()) {
            MemorySegment.copy(frame, off, bufSeg, ValueLayout.JAVA_BYTE, buf.position(), incl);
            buf.position(buf.position() + incl);
        } else {
            sink.writeThrough(ByteBuffer.wrap(frame, off, incl));
        }
    }

    /** Appends the frame held by {@code p}. */
    public void write(Packet p, long timestampNanos) {
        write(p.segment(), p.offset, p.length, timestampNanos);
    }

    /** Writes the 16-byte record header and returns how many frame bytes follow it. */
    private int beginRecord(int len, long timestampNanos) {
        if (closed) throw new IllegalStateException("pcap writer closed");
        if (len < 0) throw new IllegalArgumentException("negative frame length " + len);
        int incl = Math.min(len, snaplen);
        if (buf.remaining() < RECORD_HEADER_BYTES + Math.min(incl, BUFFER_BYTES - RECORD_HEADER_BYTES)) sink.drain();
        long seconds = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long fraction = Math.floorMod(timestampNanos, 1_000_000_000L);
        buf.putInt((int) seconds)
                .putInt((int) (nanos ? fraction : fraction / 1_000))
                .putInt(incl)
                .putInt(len);
        records++;
        return incl;
    }

    /** Pushes buffered records to the channel (not necessarily to the disk). */
    public synchronized void flush() {
        if (!closed) sink.drain();
    }

    /** Records written so far. */
    public synchronized long records() { return records; }

    public int snaplen() { return snaplen; }

    public Precision precision() { return nanos ? Precision.NANOS : Precision.MICROS; }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        sink.close();
    }
}
