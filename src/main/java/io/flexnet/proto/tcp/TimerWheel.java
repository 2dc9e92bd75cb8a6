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
 * kept in their slot with a count of turns still to wait (here: the absolute tick they are due in,
 * which is the same thing without the decrementing). A deadline already past when it is scheduled is
 * due at the next tick the wheel has not yet passed, so a callback that re-arms its own handle for
 * "now" fires at the next {@link #advance}, never in a loop within this one.
 *
 * <p>Not thread-safe: one owner calls it (its users say how they serialise).
 */
public final class TimerWheel {
    /** Called for each timer that has come due; may schedule or cancel any handle, this one included. */
    @FunctionalInterface
    public interface Expiry {
        void expired(int handle, long now);
    }

    private static final int NONE = -1;
    /** Where a handle is: not armed, linked in a slot, or collected as due and waiting for its callback. */
    private static final byte IDLE = 0, LINKED = 1, DUE = 2;

    private final int mask;
    private final long tick;
    private final long start;
    private final int[] head;
    private final int[] next;
    private final int[] prev;
    private final byte[] state;
    private final long[] dueTick;
    private final long[] deadline;
    /** Due handles of one advance, as (tick - base) << 32 | handle, sorted so they fire in tick order. */
    private final long[] due;
    /** The first tick not yet processed: the wheel's "now" in ticks. */
    private long nextTick;
    private int size;

    /**
     * @param slots      slots in the wheel, a power of two
     * @param tickNanos  width of a slot
     * @param capacity   handles: timers that can be scheduled at once, numbered [0, capacity)
     * @param start      the time of the first tick
     */
    public TimerWheel(int slots, long tickNanos, int capacity, long start) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) throw new IllegalArgumentException("slots must be a power of two, not " + slots);
        if (tickNanos <= 0) throw new IllegalArgumentException("tick must be positive, not " + tickNanos + " ns");
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        this.mask = slots - 1;
        this.tick = tickNanos;
        this.start = start;
        this.head = new int[slots];
        java.util.Arrays.fill(head, NONE);
        this.next = new int[capacity];
        this.prev = new int[capacity];
        this.state = new byte[capacity];
        this.dueTick = new long[capacity];
        this.deadline = new long[capacity];
        java.util.Arrays.fill(deadline, Long.MAX_VALUE);
        this.due = new long[capacity];
    }

    /** Arms {@code handle} to fire at {@code deadline}, replacing its current deadline if armed. */
    public void schedule(int handle, long deadline) {
        check(handle);
        if (state[handle] == LINKED) unlink(handle);
        else if (state[handle] == IDLE) size++;
        long t = Math.max(tickAtOrAfter(deadline), nextTick);
        this.deadline[handle] = deadline;
        dueTick[handle] = t;
        link(handle, (int) (t & mask));
    }

    /** Disarms {@code handle}; nothing if it is not armed. */
    public void cancel(int handle) {
        check(handle);
        if (state[handle] == IDLE) return;
        if (state[handle] == LINKED) unlink(handle);
        state[handle] = IDLE;
        deadline[handle] = Long.MAX_VALUE;
        size--;
    }

    public boolean isScheduled(int handle) {
        check(handle);
        return state[handle] != IDLE;
    }

    /** The deadline {@code handle} was armed with, or {@link Long#MAX_VALUE} if it is not armed. */
    public long deadline(int handle) {
        check(handle);
        return deadline[handle];
    }

    /**
     * Fires every armed timer whose deadline is at or before {@code now} (each disarmed before its
     * callback), in tick order; returns how many fired. Bounded: it visits at most one turn of slots
     * per call however far time jumped, and still fires everything due.
     */
    public int advance(long now, Expiry expiry) {
        if (now < start) return 0;
        final long last = (now - start) / tick;      // the last tick whose time has come
        if (last < nextTick) return 0;
        final long base = nextTick;
        final long visits = Math.min(last - nextTick + 1, mask + 1L);
        int n = 0;
        for (long i = 0; i < visits; i++) {
            int h = head[(int) ((base + i) & mask)];
            while (h != NONE) {
                int after = next[h];
                if (dueTick[h] <= last) {
                    unlink(h);
                    state[h] = DUE;
                    due[n++] = (dueTick[h] - base) << 32 | h;
                }
                h = after;
            }
        }
        // Within one turn the slots were visited in tick order; after a longer jump they were not.
        if (visits > mask) sort(due, n);
        nextTick = last + 1;                          // what a callback schedules now lands after this round
        int fired = 0;
        for (int i = 0; i < n; i++) {
            int h = (int) due[i];
            if (state[h] != DUE) continue;            // cancelled or re-armed by an earlier callback
            state[h] = IDLE;
            deadline[h] = Long.MAX_VALUE;
            size--;
            fired++;
            expiry.expired(h, now);
        }
        return fired;
    }

    /** The earliest armed deadline (to within a tick), or {@link Long#MAX_VALUE} when none is armed. */
    public long nextDeadline() {
        if (size == 0) return Long.MAX_VALUE;
        // Slot by slot for one turn: the first slot holding a timer due in this turn is the earliest.
        for (long t = nextTick; t <= nextTick + mask; t++) {
            for (int h = head[(int) (t & mask)]; h != NONE; h = next[h]) {
                if (dueTick[h] == t) return tickTime(t);
            }
        }
        long min = Long.MAX_VALUE;                    // every timer is more than a turn away
        for (int s = 0; s <= mask; s++) {
            for (int h = head[s]; h != NONE; h = next[h]) min = Math.min(min, dueTick[h]);
        }
        return min == Long.MAX_VALUE ? Long.MAX_VALUE : tickTime(min);
    }

    /** Timers armed now. */
    public int size() { return size; }

    public int capacity() { return next.length; }

    /** The width of a tick, nanoseconds. */
    public long tickNanos() { return tick; }

    private long tickAtOrAfter(long t) {
        if (t <= start) return 0;
        long d = t - start;
        long q = d / tick;
        return q * tick == d ? q : q + 1;
    }

    private long tickTime(long t) {
        return t > (Long.MAX_VALUE - start) / tick ? Long.MAX_VALUE : start + t * tick;
    }

    private void link(int h, int slot) {
        int first = head[slot];
        next[h] = first;
        prev[h] = NONE;
        if (first != NONE) prev[first] = h;
        head[slot] = h;
        state[h] = LINKED;
    }

    private void unlink(int h) {
        int p = prev[h], n = next[h];
        if (p != NONE) next[p] = n;
        else head[(int) (dueTick[h] & mask)] = n;
        if (n != NONE) prev[n] = p;
        next[h] = prev[h] = NONE;
    }

    private void check(int handle) {
        if (handle < 0 || handle >= next.length) {
            throw new IndexOutOfBoundsException("timer handle " + handle + " outside [0, " + next.length + ")");
        }
    }

    /** Heapsort in place: no allocation, O(n log n) however the keys fall. */
    private static void sort(long[] a, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) siftDown(a, i, n);
        for (int end = n - 1; end > 0; end--) {
            long t = a[0]; a[0] = a[end]; a[end] = t;
            siftDown(a, 0, end);
        }
    }

    private static void siftDown(long[] a, int i, int n) {
        long v = a[i];
        for (int c; (c = 2 * i + 1) < n; i = c) {
            if (c + 1 < n && a[c + 1] > a[c]) c++;
            if (a[c] <= v) break;
            a[i] = a[c];
        }
        a[i] = v;
    }
}
