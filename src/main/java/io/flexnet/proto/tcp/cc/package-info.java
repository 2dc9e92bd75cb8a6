/**
 * Congestion control behind a small interface of primitives in the shape of Linux's
 * {@code tcp_congestion_ops}: {@link io.flexnet.proto.tcp.cc.CongestionControl}, with NewReno
 * (RFC 5681, RFC 6582) and CUBIC (RFC 9438, the default) built in. Depends on nothing of the stack.
 */
package io.flexnet.proto.tcp.cc;
