package io.flexnet.policy;

/**
 * A named table of u32 keys to u64 values shared by policies and the application (Syrup's Maps).
 * Keys are ints read as unsigned; a key that is absent reads as 0, and the first write inserts it.
 *
 * <p>Memory ordering, the same for every layout and for other processes sharing a pinned map:
 * {@link #get} is an acquire load and {@link #put} a release store, so a value published with
 * {@code put} carries everything written before it; {@link #add}, {@link #getAndSet} and
 * {@link #compareAndSet} are atomic read-modify-writes with volatile (sequentially consistent)
 * semantics. Values are 8-byte aligned, so each access is one indivisible machine access in this and
 * any other process.
 *
 * <p>Fixed capacity, nothing allocated after creation: a key that cannot be inserted (a full hashed
 * map, a key beyond a direct map's range) makes {@code put} and {@code compareAndSet} return false,
 * and {@code add}/{@code getAndSet} throw {@link IllegalStateException} (inside a policy, a fault).
 */
public interface PolicyMap extends AutoCloseable {
    String name();

    MapSpec.Layout layout();

    int capacity();

    /** Keys present (a direct map has all of them). */
    int size();

    /** Acquire load; 0 when absent. */
    long get(int key);

    boolean contains(int key);

    /** Release store, inserting the key if absent; false when it cannot be inserted. */
    boolean put(int key, long value);

    /** Atomically adds {@code delta} (inserting the key at 0 first) and returns the new value. */
    long add(int key, long delta);

    /** Atomically replaces the value and returns the old one (0 if the key was absent). */
    long getAndSet(int key, long value);

    /**
     * Atomically sets {@code update} if the value is {@code expect}. An absent key counts as 0:
     * {@code compareAndSet(k, 0, v)} inserts it, any other {@code expect} fails without inserting.
     */
    boolean compareAndSet(int key, long expect, long update);

    /** Whether the map lives in a file other processes can map. */
    boolean pinned();

    /** Unmaps it. Only when no policy or application thread uses it any more. */
    @Override
    void close();
}
