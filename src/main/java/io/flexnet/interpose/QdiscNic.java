// Queueing disciplines in front of a driver's transmit queues, replaceable while frames flow.
package io.flexnet.interpose;

import io.flexnet.nic.NicDriver;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Every frame the stack sends goes through {@link #transmit}, so wrapping the driver the engine binds
 * puts a qdisc on every transmit queue: the frame is enqueued, then whatever the qdisc releases now
 * goes to the driver. A qdisc that holds frames back (tbf) releases them on a later transmit or when
 * someone calls {@link #poll} — a worker's duty cycle, with {@link #nextSendTime} telling it when.
 *
 * <p>One lock per transmit queue: senders on different queues never meet. {@link #replace} swaps a
 * queue's qdisc under that lock; the old one's backlog is dropped and counted, as {@code tc qdisc
 * replace} does. Time comes from the supplier given (the stack runtime's clock), once per call.
 */
public final class QdiscNic implements NicDriver {
    private final NicDriver inner;
    private final LongSupplier nanos;
    private final Qdisc[] qdiscs;
    private final ReentrantLock[] locks;
    private final List<DropCounters> retired = new ArrayList<>();

    /** Puts {@code make.get()} on each transmit queue of {@code inner}; fq_codel is the usual choice. */
    public QdiscNic(NicDriver inner, java.util.function.Supplier<Qdisc> make, LongSupplier nanos) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        int n = inner.txQueues();
        this.qdiscs = new Qdisc[n];
        this.locks = new ReentrantLock[n];
        for (int i = 0; i < n; i++) {
            qdiscs[i] = Objects.requireNonNull(make.get(), "qdisc");
            locks[i] = new ReentrantLock();
        }
    }

    @Override
    public boolean transmit(int queue, Packet p) {
        ReentrantLock lock = locks[queue];
        long now = nanos.getAsLong();
        lock.lock();
        try {
            Qdisc q = qdiscs[queue];
            boolean taken = q.enqueue(p, now);
            drainLocked(queue, q, now);
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Sends what every queue's qdisc releases at {@code now}; returns how many frames went out. */
    public int poll(long now) {
        int sent = 0;
        for (int i = 0; i < qdiscs.length; i++) {
            if (!locks[i].tryLock()) continue;  // a sender is draining it right now
            try {
                sent += drainLocked(i, qdiscs[i], now);
            } finally {
                locks[i].unlock();
            }
        }
        return sent;
    }

    /** The earliest time a held frame may leave, {@code Long.MAX_VALUE} when none is held. */
    public long nextSendTime(long now) {
        long t = Long.MAX_VALUE;
        for (int i = 0; i < qdiscs.length; i++) {
            locks[i].lock();
            try {
                if (qdiscs[i].backlogPackets() > 0) t = Math.min(t, qdiscs[i].nextSendTime(now));
            } finally {
                locks[i].unlock();
            }
        }
        return t;
    }

    private int drainLocked(int queue, Qdisc q, long now) {
        int n = 0;
        for (Packet p; (p = q.dequeue(now)) != null; n++) inner.transmit(queue, p);
        return n;
    }

    /** Puts {@code next} on transmit queue {@code queue}; returns the old qdisc, its backlog dropped. */
    public Qdisc replace(int queue, Qdisc next) {
        Objects.requireNonNull(next, "next");
        locks[queue].lock();
        try {
            Qdisc old = qdiscs[queue];
            qdiscs[queue] = next;
            old.reset();
            synchronized (retired) {
                retired.add(old.drops());
            }
            return old;
        } finally {
            locks[queue].unlock();
        }
    }

    public Qdisc qdisc(int queue) { return qdiscs[queue]; }

    /** Each queue's statistics as {@code tc -s qdisc show dev NAME} prints them. */
    public String stats() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < qdiscs.length; i++) {
            locks[i].lock();
            try {
                sb.append(qdiscs[i].stats((i + 1) + ": dev " + inner.name() + " root "))
                        .append('\n');
            } finally {
                locks[i].unlock();
            }
        }
        return sb.toString();
    }

    @Override public int receive(int queue, Packet[] out, int max) { return inner.receive(queue, out, max); }
    @Override public boolean rxPending(int queue) { return inner.rxPending(queue); }
    @Override public String name() { return inner.name(); }
    @Override public PacketPool pool() { return inner.pool(); }
    @Override public int rxQueues() { return inner.rxQueues(); }
    @Override public int txQueues() { return inner.txQueues(); }
    @Override public void setRxListener(RxListener listener) { inner.setRxListener(listener); }
    @Override public DropCounters drops() { return inner.drops(); }

    /** Drops what the qdiscs still hold (counted), then closes the driver. */
    @Override
    public void close() {
        for (int i = 0; i < qdiscs.length; i++) {
            locks[i].lock();
            try {
                qdiscs[i].reset();
            } finally {
                locks[i].unlock();
            }
        }
        inner.close();
    }
}
