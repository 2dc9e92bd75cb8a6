/**
 * What {@code flexnet run} does: experiment files and their checker, designs (built in or loaded by
 * class) and the context they assemble in, the runner with its samplers, and the reports, CSV, JSON
 * and plots of the results.
 *
 * <p>Depends on everything below it but serve and bench: packet, runtime, proto, nic, pipeline,
 * sched, policy, socket, engine and workload.
 */
package io.flexnet.experiment;
