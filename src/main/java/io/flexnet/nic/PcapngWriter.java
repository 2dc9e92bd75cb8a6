// Writes pcapng: one section, an interface description block per capture point, enhanced packet blocks.
package io.flexnet.nic;

import io.flexnet.packet.Packet;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The pcapng format (draft-ietf-opsawg-pcapng): a Section Header Block naming the writer, then an
 * Interface Description Block for every capture point — its name ({@code if_name}), what it sees
 * ({@code if_description}), nanosecond timestamps ({@code if_tsresol} 9) — and an Enhanced Packet
 * Block per frame, saying which point saw it and, in {@code epb_flags}, whether it was going in or
 * out. tshark shows the point as {@code frame.interface_name} and the direction as
 * {@code frame.packet_flags_direction}. Little-endian, as written on x86.
 *
 * <p>Points may be added while frames are written: a block may only name an interface described
 * before it, and {@link #addInterface} writes the description at once. Thread-safe: every block is one
 * synchronized append to a reusable direct buffer, so writing a frame copies it once and allocates
 * nothing; a frame longer than the buffer (about 64 KiB) is cut, its original length kept, as a
 * snapshot length would. With {@code flushEachFrame} every frame goes to the channel at once, for a live reader
 * at the other end of a pipe ({@code -w - | tshark -r -}).
 */
public final class PcapngWriter implements AutoCloseable {
    static final int SHB = 0x0A0D0D0A, IDB = 0x00000001, EPB = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final short OPT_END = 0, OPT_COMMENT = 1, SHB_USERAPPL = 4, IF_NAME = 2, IF_DESCRIPTION = 3,
            IF_TSRESOL = 9, EPB_FLAGS = 2;
    /** epb_flags' direction bits (0-1). */
    public static final int UNKNOWN = 0, INBOUND = 1, OUTBOUND = 2;

    private static final int BUFFER_BYTES = CaptureBuffer.BYTES;
    /** EPB: type, length, interface, ts high, ts low, captured, original; then the frame; flags; length. */
    private static final int EPB_FIXED = 28, EPB_FLAGS_OPTION = 8, TRAILER = 4;

    private final CaptureBuffer sink;
    private final ByteBuffer buf;
    private final MemorySegment bufSeg;
    private final int snaplen;
    private final boolean flushEachFrame;
    private int interfaces;
    private long records;
    private boolean closed;

    public static PcapngWriter create(Path file) throws IOException {
        return CaptureBuffer.create(file, ch -> new PcapngWriter(ch, PcapWriter.DEFAULT_SNAPLEN, false));
    }

    /** Writes the section header to {@code out} at once; the writer owns {@code out} and closes it. */
    public PcapngWriter(WritableByteChannel out, int snaplen, boolean flushEachFrame) throws IOException {
        if (snaplen <= 0) throw new IllegalArgumentException("snaplen must be > 0, got " + snaplen);
        this.sink = new CaptureBuffer(out, "pcapng");
        this.snaplen = snaplen;
        this.flushEachFrame = flushEachFrame;
        this.buf = sink.buf;
        this.bufSeg = sink.seg;
        byte[] app = "flexnet".getBytes(StandardCharsets.UTF_8);
        int len = 24 + option(app.length) + 4 + TRAILER;
        buf.putInt(SHB).putInt(len).putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0)
                .putLong(-1L);                                   // section length: not given
        putOption(SHB_USERAPPL, app);
        buf.putShort(OPT_END).putShort((short) 0).putInt(len);
        sink.drain();
    }

    /**
     * Describes a capture point and returns its interface number for {@link #write}.
     *
     * @param name        {@code if_name}, e.g. {@code "fx0"} or {@code "fx0:ip>l4"}
     * @param description {@code if_description}: where the point is and what it selects
     */
    public synchronized int addInterface(String name, String description) {
        if (closed) throw new IllegalStateException("pcapng writer closed");
        byte[] n = name.getBytes(StandardCharsets.UTF_8), d = description.getBytes(StandardCharsets.UTF_8);
        int len = 16 + option(n.length) + option(d.length) + option(1) + 4 + TRAILER;
        if (len > BUFFER_BYTES / 2) throw new IllegalArgumentException("interface name or description too long");
        if (buf.remaining() < len) sink.drain();
        buf.putInt(IDB).putInt(len).putShort((short) PcapWriter.LINKTYPE_ETHERNET).putShort((short) 0).putInt(snaplen);
        putOption(IF_NAME, n);
        putOption(IF_DESCRIPTION, d);
        putOption(IF_TSRESOL, new byte[] {9});                   // 10^-9 s: nanoseconds
        buf.putShort(OPT_END).putShort((short) 0).putInt(len);
        sink.drain();                                            // a reader sees the point before its frames
        return interfaces++;
    }

    /** Appends one frame seen at {@code iface}, stamped {@code timestampNanos} since the epoch. */
    public synchronized void write(int iface, int direction, MemorySegment seg, long off, int len, long timestampNanos) {
        if (closed) throw new IllegalStateException("pcapng writer closed");
        if (iface < 0 || iface >= interfaces) throw new IllegalArgumentException("no interface " + iface);
        if (len < 0) throw new IllegalArgumentException("negative frame length " + len);
        int incl = Math.min(len, Math.min(snaplen, BUFFER_BYTES - EPB_FIXED - EPB_FLAGS_OPTION - 8 - TRAILER - 4));
        int padded = (incl + 3) & ~3;
        int blockLen = EPB_FIXED + padded + EPB_FLAGS_OPTION + 4 + TRAILER;
        if (buf.remaining() < blockLen) sink.drain();
        buf.putInt(EPB).putInt(blockLen).putInt(iface)
                .putInt((int) (timestampNanos >>> 32)).putInt((int) timestampNanos)
                .putInt(incl).putInt(len);
        MemorySegment.copy(seg, off, bufSeg, buf.position(), incl);
        buf.position(buf.position() + incl);
        for (int i = incl; i < padded; i++) buf.put((byte) 0);
        buf.putShort(EPB_FLAGS).putShort((short) 4).putInt(direction & 3);
        buf.putShort(OPT_END).putShort((short) 0).putInt(blockLen);
        records++;
        if (flushEachFrame) sink.drain();
    }

    public void write(int iface, int direction, Packet p, long timestampNanos) {
        write(iface, direction, p.segment(), p.offset, p.length, timestampNanos);
    }

    private static int option(int valueBytes) { return 4 + ((valueBytes + 3) & ~3); }

    private void putOption(short code, byte[] value) {
        buf.putShort(code).putShort((short) value.length).put(value);
        for (int i = value.length; i < ((value.length + 3) & ~3); i++) buf.put((byte) 0);
    }

    public synchronized void flush() {
        if (!closed) sink.drain();
    }

    /** Frames written so far. */
    public synchronized long records() { return records; }

    public int snaplen() { return snaplen; }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        sink.close();
    }
}
