// One queue per application saying which of its sockets became readable (Norman §4.3), epoll-like.
package io.flexnet.socket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Instead of one thread per socket blocked in {@code receive}, an application registers its sockets
 * here ({@link UdpSocket#notifyTo}) and waits on one queue for the tokens of those that have data,
 * as with epoll: {@link #await} sleeps (no busy poll) until at least one is ready, {@link #poll}
 * returns at once. A socket is reported once per transition to readable: the first datagram into an
 * empty-to-the-application socket queues its token, later ones find it already pending; taking the
 * token re-arms the socket, so the application reads until {@code WOULD_BLOCK}, and a datagram that
 * arrives after it took the token queues it again. Nothing is lost and nothing reported twice for one
 * arming.
 *
 * <p>UDP sockets here are always writable (a send never blocks: a full pool is an error returned at
 * once), so only readability is reported.
 *
 * <p>Capacity is the number of sockets that may register: each is pending at most once, so the ring
 * of pending indices can never overflow. Producers (the stack's workers) take the lock only on the
 * first datagram of an arming; the one consumer wakes as {@link ReceiveQueue} readers do.
 */
public final class NotificationQueue {
    private static final VarHandle WAITERS;

    static {
        try {
            WAITERS = MethodHandles.lookup().findVarHandle(NotificationQueue.class, "waiters", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] tokens;
    private final AtomicIntegerArray pending;
    private final int[] ring;
    private int head, tail, size;   // guarded by lock
    private int registered;         // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    @SuppressWarnings("unused")
    private volatile int waiters;
    private long notifications;     // guarded by lock

    /** A queue for at most {@code capacity} sockets. */
    public NotificationQueue(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        this.tokens = new long[capacity];
        this.pending = new AtomicIntegerArray(capacity);
        this.ring = new int[capacity];
    }

    /** Registers a socket under {@code token}; returns its index, which the socket signals with. */
    int register(long token) {
        lock.lock();
        try {
            if (registered == tokens.length) {
                throw new IllegalStateException("notification queue full: " + tokens.length + " sockets registered");
            }
            tokens[registered] = token;
            return registered++;
        } finally {
            lock.unlock();
        }
    }

    /** The socket at {@code index} received a datagram. Called by the stack; never blocks for long. */
    void readable(int index) {
        if (!pending.compareAndSet(index, 0, 1)) return;  // already queued: one report per arming
        lock.lock();
        try {
            ring[tail] = index;
            tail = tail + 1 == ring.length ? 0 : tail + 1;
            size++;
            notifications++;
            if ((int) WAITERS.getVolatile(this) != 0) ready.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Copies up to {@code out.length} ready tokens into {@code out} without waiting; returns how many. */
    public int poll(long[] out) {
        lock.lock();
        try {
            return takeLocked(out);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a socket is ready or {@code timeoutNanos} pass (a negative value waits without
     * limit), then copies up to {@code out.length} tokens; returns how many (0 on timeout or
     * interruption, the interrupt flag kept set).
     */
    public int await(long[] out, long timeoutNanos) {
        lock.lock();
        try {
            WAITERS.getAndAdd(this, 1);
            try {
                long remaining = timeoutNanos;
                while (size == 0) {
                    if (timeoutNanos < 0) {
                        ready.await();
                    } else {
                        if (remaining <= 0) return 0;
                        remaining = ready.awaitNanos(remaining);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            } finally {
                WAITERS.getAndAdd(this, -1);
            }
            return takeLocked(out);
        } finally {
            lock.unlock();
        }
    }

    public int await(long[] out, long timeout, TimeUnit unit) { return await(out, unit.toNanos(timeout)); }

    private int takeLocked(long[] out) {
        int n = 0;
        while (n < out.length && size > 0) {
            int i = ring[head];
            head = head + 1 == ring.length ? 0 : head + 1;
            size--;
            // Re-arm before the application reads: a datagram after this point queues the token again.
            pending.set(i, 0);
            out[n++] = tokens[i];
        }
        return n;
    }

    /** Sockets registered. */
    public int registered() {
        lock.lock();
        try {
            return registered;
        } finally {
            lock.unlock();
        }
    }

    /** Tokens queued so far, over the queue's life. */
    public long notifications() {
        lock.lock();
        try {
            return notifications;
        } finally {
            lock.unlock();
        }
    }
}
