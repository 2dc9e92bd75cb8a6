package io.flexnet.app;

import java.io.IOException;

/**
 * One connection's bytes as a transport offers them, non-blocking: what {@link Exchange} needs of the
 * stack's {@code TcpSocket} and of the kernel's {@code SocketChannel} alike.
 */
interface ByteStream {
    /** Bytes read into {@code b[off, off+len)}: 0 when none wait, -1 at end of stream. */
    int read(byte[] b, int off, int len) throws IOException;

    /** Bytes of {@code b[off, off+len)} taken into the send buffer now (0 when it is full). */
    int write(byte[] b, int off, int len) throws IOException;
}
