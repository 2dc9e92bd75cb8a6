/**
 * Traffic for the stack: an open-loop load generator, arrival processes, request classes and the
 * request format matching policies read, service-time models and the server that spends them,
 * frames written whole, and the latency meter on the reply side.
 *
 * <p>Depends on packet, proto, nic (it injects into the in-memory NIC), pipeline (its server is an
 * application) and policy (the shared request header).
 */
package io.flexnet.workload;
