package io.flexnet.nic;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads classic libpcap files record by record: microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d)
 * magic, written in either byte order, version 2.4. A file that ends inside a record is an error that
 * names the record's byte offset, never a silently shortened capture.
 *
 * <p>Each {@link #next()} leaves the record in a reusable buffer: {@link #buffer()} at
 * {@link #frameOffset()} for {@link #capturedLength()} bytes, valid until the next call. Reading
 * allocates nothing per record unless a record outgrows the buffer.
 *
 * <pre>{@code
 * try (PcapReader r = PcapReader.open(file)) {
 *     while (r.next()) nic.inject(r.buffer(), r.frameOffset(), r.capturedLength());
 * }
 * }</pre>
 */
public final class PcapReader implements AutoCloseable {
    /** Records above this are a corrupt length field, not a frame (tcpdump's largest snaplen). */
    private static final int MAX_RECORD = PcapWriter.DEFAULT_SNAPLEN;
    private static final int PCAPNG_MAGIC = 0x0A0D0D0A;

    private final ReadableByteChannel in;
    private final ByteOrder order;
    private final ValueLayout.OfInt u32;
    private final boolean nanos;
    private final int versionMajor, versionMinor, snaplen, linkType;

    private byte[] data = new byte[64 * 1024];
    private MemorySegment seg = MemorySegment.ofArray(data);
    /** Unread bytes are data[pos, limit); data[0] is at file offset bufferStart. */
    private int pos, limit;
    private long bufferStart;
    private boolean eof;

    private long recordOffset = -1, timestampNanos;
    private int capturedLength, originalLength, frameOffset;

    public static PcapReader open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new PcapReader(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads and checks the 24-byte file header; the reader owns {@code in} and closes it. */
    public PcapReader(ReadableByteChannel in) throws IOException {
        this.in = in;
        int have = fill(PcapWriter.GLOBAL_HEADER_BYTES);
        if (have < PcapWriter.GLOBAL_HEADER_BYTES) {
            throw new PcapFormatException("truncated pcap file header at byte offset 0: "
                    + have + " of " + PcapWriter.GLOBAL_HEADER_BYTES + " bytes");
        }
        int magicBe = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0);
        int magicLe = Integer.reverseBytes(magicBe);
        if (magicBe == PcapWriter.MAGIC_MICROS || magicBe == PcapWriter.MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
            nanos = magicBe == PcapWriter.MAGIC_NANOS;
        } else if (magicLe == PcapWriter.MAGIC_MICROS || magicLe == PcapWriter.MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
            nanos = magicLe == PcapWriter.MAGIC_NANOS;
        } else if (magicBe == PCAPNG_MAGIC) {
            throw new PcapFormatException("pcapng file, not classic pcap (convert with: editcap -F pcap)");
        } else {
            throw new PcapFormatException(String.format("not a pcap file: magic 0x%08x at byte offset 0", magicBe));
        }
        this.u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        versionMajor = seg.get(u16, 4) & 0xFFFF;
        versionMinor = seg.get(u16, 6) & 0xFFFF;
        if (versionMajor != PcapWriter.VERSION_MAJOR || versionMinor != PcapWriter.VERSION_MINOR) {
            throw new PcapFormatException("unsupported pcap version " + versionMajor + "." + versionMinor
                    + " at byte offset 4 (expected 2.4)");
        }
        snaplen = seg.get(u32, 16);
        // The high bits may carry FCS information; the link type is the low 16.
        linkType = seg.get(u32, 20) & 0xFFFF;
        pos = PcapWriter.GLOBAL_HEADER_BYTES;
    }

    /**
     * Advances to the next record. Returns false at the end of the file; throws
     * {@link PcapFormatException} naming the byte offset if the file ends inside a record or the record
     * header is nonsense.
     */
    public boolean next() throws IOException {
        long at = bufferStart + pos;
        int have = fill(PcapWriter.RECORD_HEADER_BYTES);
        if (have == 0) return false;
        if (have < PcapWriter.RECORD_HEADER_BYTES) {
            throw new PcapFormatException("truncated record header at byte offset " + at + ": "
                    + have + " of " + PcapWriter.RECORD_HEADER_BYTES + " bytes");
        }
        long seconds = seg.get(u32, pos) & 0xFFFF_FFFFL;
        long fraction = seg.get(u32, pos + 4) & 0xFFFF_FFFFL;
        long incl = seg.get(u32, pos + 8) & 0xFFFF_FFFFL;
        long orig = seg.get(u32, pos + 12) & 0xFFFF_FFFFL;
        if (fraction >= (nanos ? 1_000_000_000L : 1_000_000L)) {
            throw new PcapFormatException("record at byte offset " + at + " has sub-second timestamp "
                    + fraction + (nanos ? " ns" : " us") + ", not below one second");
        }
        if (incl > Math.max(snaplen & 0xFFFF_FFFFL, MAX_RECORD)) {
            throw new PcapFormatException("record at byte offset " + at + " claims " + incl
                    + " captured bytes, more than the snaplen " + snaplen);
        }
        int need = PcapWriter.RECORD_HEADER_BYTES + (int) incl;
        have = fill(need);
        if (have < need) {
            throw new PcapFormatException("truncated record at byte offset " + at + ": header says "
                    + incl + " captured bytes, only " + (have - PcapWriter.RECORD_HEADER_BYTES) + " remain");
        }
        recordOffset = at;
        timestampNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
        capturedLength = (int) incl;
        originalLength = (int) Math.min(orig, Integer.MAX_VALUE);
        frameOffset = pos + PcapWriter.RECORD_HEADER_BYTES;
        pos += need;
        return true;
    }

    /**
     * Makes at least {@code n} unread bytes available from {@code pos} if the file has them and returns
     * how many are (fewer only at end of file). Moves unread bytes to the front and grows the buffer
     * when a record needs more than it holds.
     */
    private int fill(int n) throws IOException {
        if (limit - pos >= n || eof) return Math.min(limit - pos, n);
        if (n > data.length) {
            byte[] bigger = new byte[Math.max(n, data.length * 2)];
            System.arraycopy(data, pos, bigger, 0, limit - pos);
            data = bigger;
            seg = MemorySegment.ofArray(data);
        } else {
            System.arraycopy(data, pos, data, 0, limit - pos);
        }
        bufferStart += pos;
        limit -= pos;
        pos = 0;
        ByteBuffer bb = ByteBuffer.wrap(data, limit, data.length - limit);
        while (limit < n) {
            int r = in.read(bb);
            if (r < 0) {
                eof = true;
                break;
            }
            limit += r;
        }
        return Math.min(limit - pos, n);
    }

    /** The buffer holding the current record; valid until {@link #next()}. */
    public MemorySegment buffer() { return seg; }

    /** Where the current frame starts in {@link #buffer()}. */
    public long frameOffset() { return frameOffset; }

    /** The current frame as its own slice (allocates a view; for tools and tests). */
    public MemorySegment frame() { return seg.asSlice(frameOffset, capturedLength); }

    /** A copy of the current frame. */
    public byte[] frameBytes() { return frame().toArray(ValueLayout.JAVA_BYTE); }

    public int capturedLength() { return capturedLength; }

    /** Length of the frame on the wire; more than {@link #capturedLength()} if the snaplen cut it. */
    public int originalLength() { return originalLength; }

    /** Nanoseconds since the epoch (microsecond files give multiples of 1000). */
    public long timestampNanos() { return timestampNanos; }

    /** Byte offset in the file of the current record's header. */
    public long recordOffset() { return recordOffset; }

    public boolean nanosecond() { return nanos; }
    public ByteOrder byteOrder() { return order; }
    public int versionMajor() { return versionMajor; }
    public int versionMinor() { return versionMinor; }
    public int snaplen() { return snaplen; }
    public int linkType() { return linkType; }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
