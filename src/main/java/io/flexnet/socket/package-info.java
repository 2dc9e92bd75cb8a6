/**
 * Sockets on the stack. UDP: bind, connect, send and receive (blocking, non-blocking, busy polling)
 * without allocating per datagram, receive queues that wake sleeping readers, and port groups that
 * share a port (SO_REUSEPORT) with a matching policy choosing the member. TCP: stream sockets
 * ({@link io.flexnet.socket.TcpSocket}, {@link io.flexnet.socket.TcpListenSocket}) over the stack's
 * {@link io.flexnet.proto.tcp.StreamConnection}s, waiting in the same three modes, with listening port
 * groups whose policy picks the accepting socket, and a {@link io.flexnet.socket.StreamPoller} for
 * serving many connections from one thread.
 *
 * <p>Depends on packet, proto (the socket layers and port table), proto.tcp (the connection a stream
 * socket stands on), pipeline (a relocated send path) and policy (the socket-choice hook).
 */
package io.flexnet.socket;
