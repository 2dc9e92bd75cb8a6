package io.flexnet.proto.tcp;

import java.lang.foreign.MemorySegment;

/**
 * What a stream socket sees of one TCP connection: bytes in and out of its buffers, shutdown and
 * close, and a callback when it becomes readable, writable or closed. Never blocks: blocking, busy
 * polling and non-blocking modes are the socket's business, built on {@link #notifier}. Safe to call
 * from an application thread while workers process the connection's segments.
 */
public interface StreamConnection {
    /** Readiness bits passed to {@link Notifier#changed}. */
    int READABLE = 1, WRITABLE = 2, CLOSED = 4, ESTABLISHED = 8;

    /**
     * Copies up to {@code len} received bytes into {@code dst}; returns how many, 0 when none is
     * waiting, or -1 at end of stream (the peer's FIN, all bytes before it read).
     *
     * @throws TcpException when the connection was reset or timed out (the message says which)
     */
    int read(byte[] dst, int off, int len);

    /** As {@link #read(byte[], int, int)} into a segment (zero-copy paths, the run-to-completion handler). */
    int read(MemorySegment dst, long off, int len);

    /**
     * Copies up to {@code len} bytes into the send buffer and lets the connection send what its windows
     * allow; returns how many fitted (0 when the buffer is full: wait for {@link #WRITABLE}).
     *
     * @throws TcpException after {@link #shutdownOutput}/{@link #close}, or when reset
     */
    int write(byte[] src, int off, int len);

    int write(MemorySegment src, long off, int len);

    /** Bytes waiting to be read. */
    int readable();

    /**
     * The sequence number of the next byte {@link #read} would return: what orders bytes read from the
     * buffer against segments delivered in place ({@link Listener#deliverInPlace}).
     */
    default int receiveSequence() { throw new UnsupportedOperationException("receiveSequence"); }

    /** The sequence number of the peer's first data byte (its ISN plus one); 0 before the handshake. */
    default int firstReceiveSequence() { throw new UnsupportedOperationException("firstReceiveSequence"); }

    /** Room left in the send buffer. */
    int writable();

    /** True once the peer's FIN was received and every byte before it read. */
    boolean eof();

    /** Sends FIN after the buffered bytes (half-close); reading goes on. */
    void shutdownOutput();

    /** Graceful close: FIN after buffered bytes; the connection lingers through FIN_WAIT/TIME_WAIT in the stack. */
    void close();

    /** Abortive close: sends RST and frees the connection now. */
    void abort();

    /** The RFC 9293 state now. */
    TcpState state();

    int localIp();
    int localPort();
    int remoteIp();
    int remotePort();

    /** What the application keeps with this connection (its session, say), or null. */
    Object attachment();

    /** Keeps {@code o} with this connection until it is reused; set by the application's one thread. */
    void attach(Object o);

    /** Sets the one callback for readiness changes (replacing any before); null for none. */
    void notifier(Notifier n);

    /** Bytes of send and receive buffer this connection holds (what a tenant's byte limit counts). */
    default long bufferBytes() { return 0; }

    /** Sets TCP_NODELAY: Nagle off when true. */
    void noDelay(boolean on);

    /**
     * Sets SO_KEEPALIVE: probe the peer after the stack's idle time and drop the connection, as timed
     * out, when the probes go unanswered ({@link TcpConfig} says how long and how many).
     */
    default void keepAlive(boolean on) { throw new UnsupportedOperationException("keepalive"); }

    /**
     * Sets TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT for this connection alone and turns keepalive on:
     * the first probe after {@code idleNanos} without a segment from the peer, then one every
     * {@code intervalNanos}, the connection dropped after {@code probes} unanswered ones.
     */
    default void keepAlive(long idleNanos, long intervalNanos, int probes) {
        throw new UnsupportedOperationException("keepalive");
    }

    /** Called from the thread that changed the connection; must be short and must not block or throw. */
    @FunctionalInterface
    interface Notifier {
        void changed(StreamConnection c, int events);
    }
}
