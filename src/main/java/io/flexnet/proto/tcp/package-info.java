/**
 * TCP (RFC 9293) as layers of the pipeline: {@code tcp_rcv} and {@code tcp_send}, the connection
 * table with listening sockets and their accept queues, and the parts each connection is built of, each
 * in a file of its own: sequence arithmetic ({@link io.flexnet.proto.tcp.Seq}), the RFC 6298
 * estimator ({@link io.flexnet.proto.tcp.RttEstimator}), the timer wheel
 * ({@link io.flexnet.proto.tcp.TimerWheel}), the send and receive buffers
 * ({@link io.flexnet.proto.tcp.ByteRing}), the out-of-order record
 * ({@link io.flexnet.proto.tcp.Reassembly}), the sender's SACK scoreboard
 * ({@link io.flexnet.proto.tcp.SackScoreboard}), initial sequence numbers
 * ({@link io.flexnet.proto.tcp.IsnGenerator}) and SYN cookies ({@link io.flexnet.proto.tcp.SynCookies}).
 * Congestion control sits behind {@link io.flexnet.proto.tcp.cc.CongestionControl}.
 *
 * <p>The engine over the parts: {@link io.flexnet.proto.tcp.Tcp} (one stack's TCP, its public face:
 * {@code listen}, {@code connect}, {@code tick}), {@link io.flexnet.proto.tcp.TcpRcv} and
 * {@link io.flexnet.proto.tcp.TcpSend} (the layers), {@link io.flexnet.proto.tcp.Listener}, and, inside,
 * {@code ConnTable} (the four-tuple table), {@code Connection} (state, ownership, the application's
 * side), {@code Input} (SEGMENT ARRIVES by state), {@code Acks} (the sender's side of an ACK and loss
 * recovery), {@code Data} (the receiver's side of a segment's text), {@code Emitter} (every segment
 * sent) and {@code Timers} (what each timer does when due).
 *
 * <p>Like every layer, TCP reads no clock and starts no thread: time comes in with the
 * {@link io.flexnet.proto.LayerContext}, and the frames it originates (ACKs, retransmissions, resets)
 * leave through its stack's {@link io.flexnet.proto.Output}.
 */
package io.flexnet.proto.tcp;
