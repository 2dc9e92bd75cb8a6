package io.flexnet.proto.tcp;

/** A stream operation that cannot go on: the connection was reset, timed out, or is closed for it. */
public final class TcpException extends RuntimeException {
    public TcpException(String message) { super(message); }
}
