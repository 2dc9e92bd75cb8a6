// One queue per application saying which of its sockets became readable or writable (Norman §4.3), epoll-like.
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
 * <p>What became ready comes with each token when asked ({@link #poll(long[], int[])}): {@link #READABLE},
 * {@link #WRITABLE}, or both. UDP sockets are always writable (a send never blocks: a full pool is an
 * error returned at once), so they report readability only; a TCP socket ({@link TcpSocket#notifyTo})
 * reports both — data or the end of the stream to read, room in its send buffer after a write found it
 * full. A change taken with one report may leave a later report of the same socket with no events.
 *
 * <p>Capacity is the number of sockets that may register: each is pending at most once, so the ring
 * of pending indices can never overflow. Producers (the stack's workers) take the lock only on the
 * first datagram of an arming; the one consumer wakes as {@link ReceiveQueue} readers do.
 */
public final class NotificationQueue {
    /** Events reported with a token. */
    public static final int READABLE = 1, WRITABLE = 2;
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
    /** Events each socket reported since its token was last taken. */
    private final AtomicIntegerArray events;
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
        this.events = new AtomicIntegerArray(capacity);
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
    void readable(int index) { ready(index, READABLE); }

    /** The socket at {@code index} became {@code ev} ({@link #READABLE}, {@link #WRITABLE}). */
    void ready(int index, int ev) {
        int was;
        do {
            was = events.get(index);
        } while ((was & ev) != ev && !events.compareAndSet(index, was, was | ev));
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
    public int poll(long[] out) { return poll(out, null); }

    /** As {@link #poll(long[])}, with each token's events in {@code ev} at the same index (null: not wanted). */
    public int poll(long[] out, int[] ev) {
        lock.lock();
        try {
            return takeLocked(out, ev);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a socket is ready or {@code timeoutNanos} pass (a negative value waits without
     * limit), then copies up to {@code out.length} tokens; returns how many (0 on timeout or
     * interruption, the interrupt flag kept set).
     */
    public int await(long[] out, long timeoutNanos) { return await(out, null, timeoutNanos); }

    /** As {@link #await(long[], long)}, with each token's events in {@code ev} (null: not wanted). */
    public int await(long[] out, int[] ev, long timeoutNanos) {
        if (ev != null && ev.length < out.length) throw new IllegalArgumentException("fewer event slots than token slots");
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
            return takeLocked(out, ev);
        } finally {
            lock.unlock();
        }
    }

    public int await(long[] out, long timeout, TimeUnit unit) { return await(out, unit.toNanos(timeout)); }

    private int takeLocked(long[] out, int[] ev) {
        int n = 0;
        while (n < out.length && size > 0) {
            int i = ring[head];
            head = head + 1 == ring.length ? 0 : head + 1;
            size--;
            // Re-arm before the application reads: a datagram after this point queues the token again.
            pending.set(i, 0);
            int e = events.getAndSet(i, 0);
            if (ev != null) ev[n] = e;
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
