// What a simulated thread runs: rounds at times the simulator chooses, as a worker's duty cycle.
package io.flexnet.runtime.sim;

/**
 * The body of a simulated thread, in the shape of a stack worker's duty cycle: the simulator calls
 * {@link #round(long)} whenever the thread has a core, charges the work it reports (and any
 * {@code spend} inside it) as virtual CPU time, and between rounds lets the thread poll or sleep as
 * {@link #sleepsWhenIdle()} says. It never loops or blocks.
 *
 * <pre>{@code
 * SimThread t = sim.thread("w0", new Duty() {
 *     public int round(long now) { return queue.isEmpty() ? 0 : serve(queue.poll()); }
 *     public boolean hasWork() { return !queue.isEmpty(); }
 *     public boolean sleepsWhenIdle() { return true; }
 * });
 * }</pre>
 */
public interface Duty {
    /** One round at virtual time {@code now}; returns the units of work done (0: found nothing). */
    int round(long now);

    /** Whether a round now would find work; checked before the thread goes idle, as a sleeper re-checks. */
    boolean hasWork();

    /** True: with no work the thread sleeps until kicked and frees its core; false: it polls, keeping it. */
    boolean sleepsWhenIdle();

    /** True when the last round found its core revoked: it sleeps until kicked, however it idles. */
    default boolean revoked() { return false; }
}
