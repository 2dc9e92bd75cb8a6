/**
 * Netty 4.2 over the stack's stream sockets: an {@link io.netty.channel.IoHandler} that waits on a
 * {@link io.flexnet.socket.StreamPoller} and hands each ready socket to the Netty handle registered
 * for it, so a {@code MultiThreadIoEventLoopGroup} runs its tasks and the stack's readiness on one
 * thread. {@link io.flexnet.netty.StreamServerChannel} listens on the stack's TCP and hands out a
 * {@link io.flexnet.netty.StreamChannel} per accepted connection, so an unmodified Netty server
 * pipeline runs on the stack by naming these channels in its {@code ServerBootstrap}. Server side
 * only: a client channel (connect) is not written.
 */
package io.flexnet.netty;
