/**
 * Netty 4.2 over the stack's stream sockets: an {@link io.netty.channel.IoHandler} that waits on a
 * {@link io.flexnet.socket.StreamPoller} and hands each ready socket to the Netty handle registered
 * for it, so a {@code MultiThreadIoEventLoopGroup} runs its tasks and the stack's readiness on one
 * thread. Channels over {@link io.flexnet.socket.TcpSocket} are still to come.
 */
package io.flexnet.netty;
