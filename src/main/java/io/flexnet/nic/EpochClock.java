package io.flexnet.nic;

/**
 * Wall-clock time in nanoseconds since the Unix epoch, for capture timestamps, read without allocating:
 * the epoch offset is taken once and {@link System#nanoTime} supplies the rest, so stamps are monotonic
 * within a run (an {@code Instant} per frame would allocate and can step backwards with NTP).
 */
public final class EpochClock {
    private static final long OFFSET = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

    private EpochClock() {}

    public static long nanos() {
        return OFFSET + System.nanoTime();
    }
}
