/**
 * CPU affinity for the real runtime: Linux's {@code sched_setaffinity(2)} through the
 * foreign-function API, and a stand-in that pins nothing where that is unavailable.
 *
 * <p>Depends on runtime only (it implements {@link io.flexnet.runtime.RealRuntime.Affinity}).
 */
package io.flexnet.sched.affinity;
