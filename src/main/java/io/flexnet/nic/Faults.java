package io.flexnet.nic;

/**
 * What a {@link FaultLink} does to the frames crossing it: each rate is a probability per frame,
 * each time in nanoseconds of the runtime's clock, the rate limit in bytes per second with a bound
 * on the bytes waiting for it. Start from {@link #NONE} and change what the experiment needs:
 *
 * <pre>{@code
 * Faults f = Faults.NONE.loss(0.01).delay(20_000_000L, 2_000_000L).rate(12_500_000L, 64 * 1024);
 * }</pre>
 *
 * @param loss          probability a frame is dropped (counted as {@code injected-loss})
 * @param duplicate     probability a frame is sent twice (the copy takes a slot of the frame's pool)
 * @param corrupt       probability one bit of the frame's IP packet is flipped (so a checksum fails)
 * @param reorder       probability a frame is held {@code reorderNanos} longer, so later frames pass it
 * @param reorderNanos  the extra hold of a reordered frame
 * @param delayNanos    one-way delay added to every frame
 * @param jitterNanos   a further delay drawn uniformly from [0, jitter) per frame (it reorders too)
 * @param rateBytes     bytes per second the link carries; 0 for no limit
 * @param queueBytes    bytes that may wait for the rate limiter; a frame that would exceed it is
 *                      dropped ({@code rate-limit})
 * @param maxHeld       frames the link holds at once (delayed or queued); beyond it, {@code queue-full}
 */
public record Faults(double loss, double duplicate, double corrupt, double reorder, long reorderNanos,
                     long delayNanos, long jitterNanos, long rateBytes, long queueBytes, int maxHeld) {
    /** A perfect link: no faults, no delay, no limit. */
    public static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0, 0, 0, 0, 4096);

    public Faults {
        probability(loss, "loss");
        probability(duplicate, "duplicate");
        probability(corrupt, "corrupt");
        probability(reorder, "reorder");
        nonNegative(reorderNanos, "reorderNanos");
        nonNegative(delayNanos, "delayNanos");
        nonNegative(jitterNanos, "jitterNanos");
        nonNegative(rateBytes, "rateBytes");
        nonNegative(queueBytes, "queueBytes");
        if (maxHeld <= 0) throw new IllegalArgumentException("maxHeld must be positive, not " + maxHeld);
        if (reorder > 0 && reorderNanos == 0) {
            throw new IllegalArgumentException("reorder " + reorder + " needs a hold (reorderNanos) for later frames to pass");
        }
    }

    public Faults loss(double p) { return new Faults(p, duplicate, corrupt, reorder, reorderNanos, delayNanos, jitterNanos, rateBytes, queueBytes, maxHeld); }
    public Faults duplicate(double p) { return new Faults(loss, p, corrupt, reorder, reorderNanos, delayNanos, jitterNanos, rateBytes, queueBytes, maxHeld); }
    public Faults corrupt(double p) { return new Faults(loss, duplicate, p, reorder, reorderNanos, delayNanos, jitterNanos, rateBytes, queueBytes, maxHeld); }
    public Faults reorder(double p, long holdNanos) { return new Faults(loss, duplicate, corrupt, p, holdNanos, delayNanos, jitterNanos, rateBytes, queueBytes, maxHeld); }
    public Faults delay(long nanos, long jitter) { return new Faults(loss, duplicate, corrupt, reorder, reorderNanos, nanos, jitter, rateBytes, queueBytes, maxHeld); }
    public Faults rate(long bytesPerSecond, long queueBound) { return new Faults(loss, duplicate, corrupt, reorder, reorderNanos, delayNanos, jitterNanos, bytesPerSecond, queueBound, maxHeld); }
    public Faults maxHeld(int frames) { return new Faults(loss, duplicate, corrupt, reorder, reorderNanos, delayNanos, jitterNanos, rateBytes, queueBytes, frames); }

    private static void probability(double p, String what) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(what + " is a probability in [0, 1], not " + p);
    }

    private static void nonNegative(long v, String what) {
        if (v < 0) throw new IllegalArgumentException(what + " cannot be negative: " + v);
    }
}
