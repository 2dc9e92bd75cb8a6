package io.flexnet.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Cache-line padding in front of the producer's fields (field layout follows the class hierarchy). */
abstract class RingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** Written by producers only. */
abstract class RingProducer extends RingPad0 {
    volatile long producerIndex;
    /** Producers' cached bound: the consumer index plus capacity, last time it was read. */
    volatile long producerLimit;
}

abstract class RingPad1 extends RingProducer {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** Written by the consumer only. */
abstract class RingConsumer extends RingPad1 {
    volatile long consumerIndex;
}

abstract class RingPad2 extends RingConsumer {
    long p20, p21, p22, p23, p24, p25, p26, p27;
}

/**
 * The bounded ring a single-consumer {@link CoroutineQueue} is built on (it extends this class, so
 * the queue's fields and the ring's are one object: one pointer fewer on every offer and poll):
 * one producer (SPSC) or many (MPSC), one consumer. Built for the suspension point, where it is most of the cost: a same-core
 * {@code queue()} is an offer and a poll, so each is a handful of plain loads and release stores.
 *
 * <ul>
 * <li>One producer finds a free slot by reading the slot itself (null once the consumer took it), so
 *     it never reads the consumer's index; many producers claim an index by compare-and-set and check
 *     it against a cached bound, re-reading the consumer index only when the bound is reached.</li>
 * <li>The consumer takes the slot at its index if a coroutine is there, clears it, then advances its
 *     index with a release store, which publishes the cleared slot to producers.</li>
 * <li>Producer and consumer fields sit on separate cache lines, and the buffer is typed
 *     {@code Coroutine[]}, so stores need no run-time type check.</li>
 * </ul>
 *
 * A slot a producer has claimed but not yet filled reads as empty: the consumer returns null and
 * sees the coroutine on its next poll (the producer then wakes sleepers, see {@link CoroutineQueue}).
 * The producer and consumer indices are the enqueued and dequeued counts.
 */
abstract class CoroutineRing extends RingPad2 {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Coroutine[].class);
    private static final VarHandle PRODUCER;
    private static final VarHandle LIMIT;
    private static final VarHandle CONSUMER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PRODUCER = l.findVarHandle(RingProducer.class, "producerIndex", long.class);
            LIMIT = l.findVarHandle(RingProducer.class, "producerLimit", long.class);
            CONSUMER = l.findVarHandle(RingConsumer.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Null when the queue has several consumers and is backed by another queue instead. */
    private final Coroutine[] buffer;
    private final int mask;
    private final boolean multiProducer;

    /** {@code capacity} must be a power of two; without {@code used} the ring stays empty and unused. */
    CoroutineRing(int capacity, boolean multiProducer, boolean used) {
        if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        this.buffer = used ? new Coroutine[capacity] : null;
        this.mask = capacity - 1;
        this.multiProducer = multiProducer;
        LIMIT.setRelease(this, (long) capacity);
    }

    /** Adds {@code co} at the tail; false when full. */
    final boolean ringOffer(Coroutine co) {
        final Coroutine[] buf = buffer;
        if (!multiProducer) {
            final long p = (long) PRODUCER.getOpaque(this);  // only this thread writes it
            final int i = (int) p & mask;
            if (SLOT.getAcquire(buf, i) != null) return false;  // the consumer has not taken it yet
            SLOT.setRelease(buf, i, co);
            PRODUCER.setRelease(this, p + 1);
            return true;
        }
        long p;
        do {
            p = (long) PRODUCER.getVolatile(this);
            if (p >= (long) LIMIT.getAcquire(this)) {
                long limit = (long) CONSUMER.getAcquire(this) + buf.length;
                if (p >= limit) return false;
                LIMIT.setRelease(this, limit);  // racy but safe: every value written was a true bound once
            }
        } while (!PRODUCER.compareAndSet(this, p, p + 1));
        SLOT.setRelease(buf, (int) p & mask, co);
        return true;
    }

    /** Takes the head; null when empty (or when the head's producer has not finished storing it). */
    final Coroutine ringPoll() {
        final Coroutine[] buf = buffer;
        final long c = (long) CONSUMER.getOpaque(this);  // only this thread writes it
        final int i = (int) c & mask;
        final Coroutine co = (Coroutine) SLOT.getAcquire(buf, i);
        if (co == null) return null;
        SLOT.setRelease(buf, i, null);
        CONSUMER.setRelease(this, c + 1);  // publishes the cleared slot to producers
        return co;
    }

    /** The head without taking it; any thread. It may be taken (and reused) as soon as it is read. */
    final Coroutine ringPeek() {
        return (Coroutine) SLOT.getAcquire(buffer, (int) (long) CONSUMER.getAcquire(this) & mask);
    }

    final long ringProducerIndex() { return (long) PRODUCER.getAcquire(this); }

    final long ringConsumerIndex() { return (long) CONSUMER.getAcquire(this); }

    /** Entries now: exact when quiet, a snapshot within [0, capacity] while producers and consumer run. */
    final int ringSize() {
        long c = ringConsumerIndex();
        long p = ringProducerIndex();
        long n = p - c;
        return (int) Math.max(0, Math.min(n, buffer.length));
    }
}
