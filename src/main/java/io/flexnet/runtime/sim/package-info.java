/**
 * The simulated runtime: a {@link io.flexnet.runtime.StackRuntime} over a virtual clock, an event
 * queue and N virtual cores, where the stack's workers run as simulated threads placed by a model of
 * Linux's scheduler and every unit of work costs virtual time from a {@link io.flexnet.runtime.sim.CostModel}.
 * Deterministic: the same inputs give the same events in the same order.
 *
 * <p>Depends on {@code io.flexnet.runtime} alone: what it runs is a {@link io.flexnet.runtime.sim.Duty},
 * and the engine adapts its workers to that.
 */
package io.flexnet.runtime.sim;
