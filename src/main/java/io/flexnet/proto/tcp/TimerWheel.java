package io.flexnet.proto.tcp;

/**
 * A hashed timer wheel for every timer of every connection (retransmission, delayed ACK, persist,
 * keepalive, TIME_WAIT): no thread and no allocation per connection or per timer. A timer is a
 * <em>handle</em>, a small int the owner chooses (for instance {@code connection * KINDS + kind}) in
 * [0, capacity); the wheel links handles through int arrays made at construction, so scheduling,
 * re-scheduling and cancelling move a few ints. Time is whatever the caller passes in (the round's
 * time from the layer context), so a test clock drives every timer deterministically.
 *
 * <p>Deadlines round up to the next tick: a timer never fires early, and fires within one tick of its
 * deadline once {@link #advance} is called at or after it. Deadlines beyond one turn of the wheel are
 * kept in their slot with a count of turns still to wait.
 *
 * <p>Not thread-safe: one owner calls it (its users say how they serialise).
 */
public final class TimerWheel {
    /** Called for each timer that has come due; may schedule or cancel any handle, this one included. */
    @FunctionalInterface
    public interface Expiry {
        void expired(int handle, long now);
    }

    /**
     * @param slots      slots in the wheel, a power of two
     * @param tickNanos  width of a slot
     * @param capacity   handles: timers that can be scheduled at once, numbered [0, capacity)
     * @param start      the time of the first tick
     */
    public TimerWheel(int slots, long tickNanos, int capacity, long start) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Arms {@code handle} to fire at {@code deadline}, replacing its current deadline if armed. */
    public void schedule(int handle, long deadline) { throw new UnsupportedOperationException(); }

    /** Disarms {@code handle}; nothing if it is not armed. */
    public void cancel(int handle) { throw new UnsupportedOperationException(); }

    public boolean isScheduled(int handle) { throw new UnsupportedOperationException(); }

    /** The deadline {@code handle} was armed with, or {@link Long#MAX_VALUE} if it is not armed. */
    public long deadline(int handle) { throw new UnsupportedOperationException(); }

    /**
     * Fires every armed timer whose deadline is at or before {@code now} (each disarmed before its
     * callback), in tick order; returns how many fired. Bounded: it visits at most one turn of slots
     * per call however far time jumped, and still fires everything due.
     */
    public int advance(long now, Expiry expiry) { throw new UnsupportedOperationException(); }

    /** The earliest armed deadline (to within a tick), or {@link Long#MAX_VALUE} when none is armed. */
    public long nextDeadline() { throw new UnsupportedOperationException(); }

    /** Timers armed now. */
    public int size() { throw new UnsupportedOperationException(); }

    public int capacity() { throw new UnsupportedOperationException(); }
}
