package io.flexnet.netty;

import io.netty.channel.IoHandle;

/** A Netty handle backed by one stack socket, a {@link io.flexnet.socket.TcpSocket} or {@link io.flexnet.socket.TcpListenSocket}. */
public interface StreamHandle extends IoHandle {
    /** The socket whose readiness this handle is told of. */
    Object socket();
}
