/**
 * Who resumes coroutines, and on how many cores: executors (round robin, batched busy polling,
 * strict priority, work stealing, NIC polling, and the preempting ones: processor sharing and
 * shortest-remaining / least-attained levels), workers and their idle strategies, core policies
 * (Listing 3's queue depth, Shenango's standing queue, Snap's three modes), the signals they read and
 * the core scheduler that runs them.
 *
 * <p>Depends on packet, runtime, nic (the receive queues executors poll) and pipeline.
 */
package io.flexnet.sched;
