package io.flexnet.socket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A socket's entry in a {@link StreamPoller}: made once at registration, queued at most once at a
 * time. The flag is set by the thread that queues it and cleared by the poller when it hands the socket
 * out, before the application handles it, so a change during the handling queues it again and none is
 * lost (epoll's edge-triggered one-shot, re-armed by the hand-out).
 */
final class ReadyMark {
    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(ReadyMark.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Object socket;
    final StreamPoller poller;
    @SuppressWarnings("unused")
    private volatile int queued;

    ReadyMark(Object socket, StreamPoller poller) {
        this.socket = socket;
        this.poller = poller;
    }

    /** From a notifier: queue the socket unless it is queued already. */
    void signal() {
        if ((int) QUEUED.getVolatile(this) == 0 && QUEUED.compareAndSet(this, 0, 1)) poller.queue(this);
    }

    /** By the poller, as it hands the socket out. */
    void clear() { QUEUED.setVolatile(this, 0); }
}
