/**
 * Applications served over the stack's TCP: an HTTP/1.1 server and a Redis-protocol (RESP2) server,
 * each written once as a {@link io.flexnet.app.Session} (bytes in, bytes out, no I/O of its own) and
 * carried by either of two transports with the same code: {@link io.flexnet.app.StackAppServer} on the
 * stack's stream sockets, and {@link io.flexnet.app.NioAppServer} on the kernel's TCP through Java NIO,
 * so the two can be measured with the same client in the same run.
 *
 * <p>Depends on packet, runtime, proto.tcp, socket and engine.
 */
package io.flexnet.app;
