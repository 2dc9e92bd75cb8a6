// The output side shared by the capture file writers: one reusable buffer drained to a channel it owns.
package io.flexnet.nic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A direct little-endian buffer of {@value #BYTES} bytes, with a {@link MemorySegment} view for copying
 * frames in, that is written to its channel when the writer asks ({@link #drain}). pcap and pcapng both
 * lay out their headers in the writer's byte order, which is little-endian as on x86. Not thread-safe:
 * each writer guards it with its own lock. Failures surface as {@link UncheckedIOException} naming the
 * format, so a capture tap can sit in code that cannot throw checked exceptions.
 */
final class CaptureBuffer {
    /** Big enough to batch many frames per write call, small enough not to matter. */
    static final int BYTES = 64 * 1024;

    /** Opens a writer on a channel; what {@link #create} hands the new file to. */
    interface Opener<W> {
        W open(FileChannel file) throws IOException;
    }

    final ByteBuffer buf;
    final MemorySegment seg;
    private final WritableByteChannel out;
    private final String format;

    /** {@code format} names the file kind in error messages ({@code "pcap"}, {@code "pcapng"}). */
    CaptureBuffer(WritableByteChannel out, String format) {
        this.out = out;
        this.format = format;
        this.buf = ByteBuffer.allocateDirect(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.seg = MemorySegment.ofBuffer(buf);
    }

    /** Creates or truncates {@code file} and opens a writer on it; the file is closed if that fails. */
    static <W> W create(Path file, Opener<W> writer) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return writer.open(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Writes out what the buffer holds and empties it. */
    void drain() {
        buf.flip();
        try {
            while (buf.hasRemaining()) out.write(buf);
        } catch (IOException e) {
            throw new UncheckedIOException(format + " write failed", e);
        } finally {
            buf.clear();
        }
    }

    /** Drains the buffer, then writes {@code bytes} straight to the channel: for data larger than the buffer. */
    void writeThrough(ByteBuffer bytes) {
        drain();
        try {
            while (bytes.hasRemaining()) out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(format + " write failed", e);
        }
    }

    /** Drains the buffer and closes the channel, also when draining fails. */
    void close() {
        try {
            drain();
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(format + " close failed", e);
            }
        }
    }
}
