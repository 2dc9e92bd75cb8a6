package io.flexnet.socket;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.runtime.StackRuntime;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * Readiness for many stream sockets on one thread, as epoll gives a server: register listening and
 * connected sockets, then {@link #poll} hands out each socket that changed (a connection to accept,
 * bytes to read, room to write, a close), once per change. The handler then works the socket in
 * non-blocking mode until it would block; a change while it works queues the socket again.
 *
 * <pre>{@code
 * StreamPoller poller = new StreamPoller(1024, runtime);
 * poller.register(listener);
 * for (;;) {
 *     Object s = poller.poll(-1);
 *     if (s instanceof TcpListenSocket l) for (TcpSocket c; (c = l.accept()) != null; ) poller.register(c);
 *     else if (s instanceof TcpSocket c) serve(c);           // read and write until 0
 * }
 * }</pre>
 *
 * Notifiers (stack workers) queue; one thread polls (the queue has a single consumer): a thread of
 * its own, or a stack worker that serves the sockets between its rounds of the pipeline (a
 * {@link WakeSource}: a change kicks that worker awake). The queue holds each registered socket at most
 * once, so it never fills while registrations stay within its capacity.
 */
public final class StreamPoller implements WakeSource {
    private final MpscAtomicArrayQueue<ReadyMark> ready;
    private final int capacity;
    private final Waiters waiters;
    private final BooleanSupplier nonEmpty;
    private int registered;
    private volatile boolean woken;
    /** Stack workers that run the polling side themselves (an application on the worker) and sleep when idle. */
    private volatile CoroutineQueue.Sleeper[] sleepers = new CoroutineQueue.Sleeper[0];

    /** @param capacity how many sockets may be registered at once */
    public StreamPoller(int capacity, StackRuntime runtime) {
        if (capacity < 1) throw new IllegalArgumentException("poller capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
        this.ready = new MpscAtomicArrayQueue<>(Math.max(2, capacity));
        this.waiters = new Waiters(Objects.requireNonNull(runtime));
        this.nonEmpty = () -> woken || !ready.isEmpty();
    }

    /** Watches a listening socket: it is handed out when connections wait to be accepted. */
    public void register(TcpListenSocket s) { s.poller(mark(s)); }

    /** Watches a connected socket: handed out when readable, writable or closed changes. */
    public void register(TcpSocket s) { s.poller(mark(s)); }

    private synchronized ReadyMark mark(Object s) {
        if (registered == capacity) throw new IllegalStateException("poller holds " + capacity + " sockets already");
        registered++;
        return new ReadyMark(s, this);
    }

    /** A registered socket closed: its place is free. */
    synchronized void deregister() { registered--; }

    void queue(ReadyMark m) {
        // Cannot fail: each mark is queued at most once and marks are at most capacity.
        ready.offer(m);
        waiters.wakeAll();
        CoroutineQueue.Sleeper[] sl = sleepers;
        if (sl.length != 0) {
            VarHandle.fullFence();  // the arrival visible before reading whether they sleep (WakeSource's contract)
            for (CoroutineQueue.Sleeper x : sl) if (x.sleeping()) x.kick();
        }
    }

    /** Whether a socket changed and waits to be handed out. */
    public boolean hasReady() { return !ready.isEmpty(); }

    @Override
    public synchronized void addSleeper(CoroutineQueue.Sleeper s) {
        for (CoroutineQueue.Sleeper x : sleepers) if (x == s) return;
        CoroutineQueue.Sleeper[] n = java.util.Arrays.copyOf(sleepers, sleepers.length + 1);
        n[n.length - 1] = s;
        sleepers = n;
    }

    @Override
    public synchronized void removeSleeper(CoroutineQueue.Sleeper s) {
        sleepers = java.util.Arrays.stream(sleepers).filter(x -> x != s).toArray(CoroutineQueue.Sleeper[]::new);
    }

    /**
     * The next socket that changed ({@link TcpListenSocket} or {@link TcpSocket}), or null when none did
     * within {@code nanos} (negative: no limit; 0: do not wait).
     */
    public Object poll(long nanos) {
        ReadyMark m = ready.poll();
        if (m == null) {
            if (!waiters.await(nonEmpty, nanos, 0)) return null;
            woken = false;
            m = ready.poll();
            if (m == null) return null;
        }
        m.clear();
        return m.socket;
    }

    /** Wakes a thread in {@link #poll} (with null) so it can see a stop flag. */
    public void wakeup() {
        woken = true;
        waiters.wakeAll();
        VarHandle.fullFence();
        for (CoroutineQueue.Sleeper x : sleepers) x.kick();
    }

    public synchronized int registered() { return registered; }
}
