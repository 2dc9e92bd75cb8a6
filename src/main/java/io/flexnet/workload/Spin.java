// Busy work of a set length on the calling thread: a request's service time as real CPU time.
package io.flexnet.workload;

/**
 * Occupies the calling thread for a number of nanoseconds of wall time by polling the clock, so a
 * request's service time is CPU the serving thread really spends: whatever queues behind it waits, as
 * head-of-line blocking does in a real server.
 */
public final class Spin {
    private Spin() {}

    public static void nanos(long nanos) {
        if (nanos <= 0) return;
        final long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) Thread.onSpinWait();
    }
}
