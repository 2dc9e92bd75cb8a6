/**
 * The measurement rigs shared by JMH and {@code flexnet bench}: the receive path with and without
 * suspension points, and the hand-off of a coroutine to a worker on another core.
 *
 * <p>Depends on packet, runtime, proto, pipeline, sched, sched.affinity (to pin the hand-off) and
 * workload (to write its frames).
 */
package io.flexnet.bench;
