/**
 * One running stack: a NIC, its protocol layers, the coroutine frames of its pool and the workers
 * that run a design's executors, started together and shut down in order.
 *
 * <p>Depends on packet, runtime, proto, nic, pipeline and sched.
 */
package io.flexnet.engine;
