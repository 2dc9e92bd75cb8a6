/**
 * What supplies time and threads: {@link io.flexnet.runtime.StackRuntime} (the clock, new threads,
 * park and unpark, pinning), the workers' quantum flags and the timer that raises them, and the real
 * runtime over the wall clock and platform threads, so a simulated runtime can drive the same
 * executors and policies. It is meant to be the only package that reads a clock, sleeps, parks or
 * spins; the architecture test lists the files elsewhere that still do.
 *
 * <p>Depends on nothing else of the stack.
 */
package io.flexnet.runtime;
