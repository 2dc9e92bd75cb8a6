/**
 * The stack serving a real NIC (a TAP device, usually): ARP, ping and UDP echo run to completion,
 * a report of every stage's counters, and the echo benchmark against the kernel's UDP stack in a
 * throw-away network namespace.
 *
 * <p>Depends on packet, runtime, proto, proto.tcp, nic, pipeline, sched, socket, engine and app.
 */
package io.flexnet.serve;
