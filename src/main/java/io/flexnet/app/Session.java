package io.flexnet.app;

/**
 * The protocol side of one connection: it reads requests from the bytes received and appends
 * responses to an {@link Output}, and does no I/O of its own, so the same session runs on the stack's
 * sockets and on the kernel's (see {@link Exchange}).
 *
 * <p>Parsing is incremental: {@link #onInput} consumes only whole requests and leaves a partial one
 * for the next call, with more bytes after it. It stops early when the output is {@link Output#busy}
 * (a large or streamed response waits to be sent), which is how a pipelining client that does not
 * read is slowed down rather than buffered for.
 */
public interface Session {
    /**
     * Handles the whole requests at the front of {@code in[off, off+len)}, appending their responses
     * to {@code out}. Returns the bytes consumed; 0 when the first request is incomplete (or the output
     * is busy).
     */
    int onInput(byte[] in, int off, int len, Output out);

    /**
     * The first request is longer than the transport will buffer ({@code limit} bytes): answer with an
     * error if the protocol has one, and ask to close.
     */
    void onOverflow(int limit, Output out);

    /** The server is at its connection limit: the protocol's refusal, written before the close. */
    void onRefused(Output out);

    /** True once the connection should close after the output is sent. */
    boolean closing();
}
