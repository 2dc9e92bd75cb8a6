/**
 * UDP sockets on the stack: bind, connect, send and receive (blocking, non-blocking, busy polling)
 * without allocating per datagram, receive queues that wake sleeping readers, and port groups that
 * share a port (SO_REUSEPORT) with a matching policy choosing the member.
 *
 * <p>Depends on packet, proto (the socket layers and port table), pipeline (a relocated send path)
 * and policy (the socket-choice hook).
 */
package io.flexnet.socket;
