package io.flexnet.runtime;

/**
 * A wait the kernel ends: a thread blocked in poll(2) on a device's file until a frame arrives there,
 * another thread calls {@link #wake()}, or the time is up. A NIC driver offers one per receive queue
 * (a TAP queue), so the worker that polls the queue sleeps in the kernel and the frame wakes it
 * directly, with no reader thread between. Blocked in only through {@link StackRuntime#await}, so a
 * simulated runtime sees this way of spending time as it sees a park.
 */
public interface KernelWait {
    /**
     * Blocks the calling thread until the device has something to read, {@link #wake()} was called
     * since the last return, or {@code maxNanos} passed. Returns at once in any of those cases; may
     * return early. One waiting thread at a time.
     */
    void await(long maxNanos);

    /** Ends the current or the next {@link #await}; any thread may call it. */
    void wake();
}
