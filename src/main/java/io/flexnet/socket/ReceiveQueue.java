package io.flexnet.socket;

import io.flexnet.packet.Packet;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.runtime.StackRuntime;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * A socket's bounded queue of received datagrams, with sleeping readers woken on arrival: the stack's
 * workers offer (many producers), application threads take (one or more consumers).
 *
 * <p>Waking is a handshake, not polling. A reader that finds the queue empty announces itself in
 * {@code waiters} (a volatile increment) under the lock and looks again before it waits on the
 * condition; a producer stores the datagram, issues a full fence, and reads {@code waiters}. Either
 * the producer sees the reader and signals it under the same lock (so the signal cannot fall between
 * the reader's last look and its wait), or the reader's second look sees the datagram. The fence is
 * what stops the producer's read of {@code waiters} from overtaking its store of the datagram, the
 * one reordering x86 allows; it costs one locked instruction per datagram, nothing more unless a
 * reader sleeps.
 */
final class ReceiveQueue {
    // Readers are application threads blocked in take(), or stack workers serving the socket as an
    // executor, which sleep as workers do and are kicked like any worker's wake source.
    private static final VarHandle WAITERS;

    static {
        try {
            WAITERS = MethodHandles.lookup().findVarHandle(ReceiveQueue.class, "waiters", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MpmcAtomicArrayQueue<Packet> queue;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Readers asleep or about to sleep; written under the lock, read by producers without it. */
    @SuppressWarnings("unused")
    private volatile int waiters;
    private volatile boolean closed;
    private volatile NotificationQueue notify;
    private int notifyIndex;
    /** Stack workers serving this socket that sleep when idle: kicked on arrival (see {@link WakeSource}). */
    private volatile CoroutineQueue.Sleeper[] sleepers = new CoroutineQueue.Sleeper[0];
    /** The clock and spin of busy polling: the application's side of the socket, but time all the same. */
    private final StackRuntime runtime;

    ReceiveQueue(int capacity, StackRuntime runtime) {
        this.runtime = java.util.Objects.requireNonNull(runtime);
        if (capacity < 2) throw new IllegalArgumentException("receive queue capacity must be >= 2");
        this.queue = new MpmcAtomicArrayQueue<>(capacity);
        // JCTools rounds capacity up to a power of two; report what it really holds.
        this.capacity = Integer.highestOneBit(capacity - 1) << 1;
    }

    /** Producer side: false when full or closed (the caller still owns the packet). */
    boolean offer(Packet p) {
        if (closed || !queue.offer(p)) return false;
        VarHandle.fullFence();
        if ((int) WAITERS.getVolatile(this) != 0) signalSlow();
        for (CoroutineQueue.Sleeper s : sleepers) if (s.sleeping()) s.kick();  // behind the same fence
        NotificationQueue n = notify;  // null unless the socket was registered with one
        if (n != null) n.readable(notifyIndex);
        return true;
    }

    /** Reports each arrival to {@code n} as socket {@code index} (see {@link NotificationQueue}). */
    void notifyTo(NotificationQueue n, int index) {
        this.notifyIndex = index;
        this.notify = n;  // volatile store after the index: a producer that sees n sees the index
    }

    synchronized void addSleeper(CoroutineQueue.Sleeper s) {
        for (CoroutineQueue.Sleeper x : sleepers) if (x == s) return;
        CoroutineQueue.Sleeper[] n = java.util.Arrays.copyOf(sleepers, sleepers.length + 1);
        n[sleepers.length] = s;
        sleepers = n;
    }

    synchronized void removeSleeper(CoroutineQueue.Sleeper s) {
        java.util.List<CoroutineQueue.Sleeper> l = new java.util.ArrayList<>(java.util.List.of(sleepers));
        l.remove(s);
        sleepers = l.toArray(new CoroutineQueue.Sleeper[0]);
    }

    private void signalSlow() {
        lock.lock();
        try {
            arrived.signal();  // one datagram, one reader: like an exclusive wait queue
        } finally {
            lock.unlock();
        }
    }

    /** Non-blocking take; null when empty. */
    Packet poll() { return queue.poll(); }

    /** Spins for up to {@code nanos} (busy polling), then returns what it found or null. */
    Packet spin(long nanos) {
        Packet p = queue.poll();
        if (p != null || nanos <= 0) return p;
        final StackRuntime rt = runtime;
        long deadline = rt.nanoTime() + nanos;
        do {
            rt.spinWait();
            p = queue.poll();
        } while (p == null && !closed && rt.nanoTime() - deadline < 0);
        return p;
    }

    /**
     * Sleeps until a datagram arrives, the queue closes (null) or {@code nanos} pass (null; a negative
     * value waits without limit). Interruption ends the wait early with null, the flag kept set.
     */
    Packet take(long nanos) {
        Packet p = queue.poll();
        if (p != null) return p;
        long remaining = nanos;
        lock.lock();
        try {
            WAITERS.getAndAdd(this, 1);
            try {
                while ((p = queue.poll()) == null && !closed) {
                    if (nanos < 0) {
                        arrived.await();
                    } else {
                        if (remaining <= 0) return null;
                        remaining = arrived.awaitNanos(remaining);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                WAITERS.getAndAdd(this, -1);
            }
            // A reader woken for a datagram another reader took first must not swallow the signal
            // meant for the datagram after it: pass it on if more wait.
            if (p != null && !queue.isEmpty() && (int) WAITERS.getVolatile(this) != 0) arrived.signal();
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further offers and wakes every sleeper; returns nothing: the caller drains. */
    void close() {
        closed = true;
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean closed() { return closed; }
    int depth() { return queue.size(); }
    int capacity() { return capacity; }
    int waiters() { return (int) WAITERS.getVolatile(this); }
}
