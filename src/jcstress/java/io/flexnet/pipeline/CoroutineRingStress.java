package io.flexnet.pipeline;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * jcstress tests of {@link CoroutineRing}'s offer, poll and drain, through the single-consumer
 * {@link CoroutineQueue} that is the ring: a coroutine arrives once, whole, and in order.
 *
 * <p>Each coroutine is made by the thread that offers it and carries its identity in {@code pc}, a
 * plain field: a consumer that reads 0 there saw the coroutine before the offer's release store
 * published it (reported as -1). Outcomes that list what is left are the arbiter's drain after both
 * actors finished, written as digits in order ({@code 23}: coroutine 2, then 3).
 */
public class CoroutineRingStress {
    private CoroutineRingStress() {}

    /** A coroutine the ring never looks into but for identity; pc 1.. names it. */
    static Coroutine co(int id) {
        Coroutine c = new Coroutine(null);
        c.pc = id;
        return c;
    }

    /** 0 for none, the coroutine's id, or -1 when its fields were not yet visible. */
    static int id(Coroutine c) {
        if (c == null) return 0;
        return c.pc == 0 ? -1 : c.pc;
    }

    /** What the queue still holds, as digits in order. */
    static int rest(CoroutineQueue q) {
        int digits = 0;
        for (Coroutine c; (c = q.poll(0)) != null; ) digits = digits * 10 + id(c);
        return digits;
    }

    static CoroutineQueue queue(int capacity, CoroutineQueue.Concurrency concurrency, int... prefill) {
        CoroutineQueue q = new CoroutineQueue("stress", capacity, concurrency);
        for (int id : prefill) q.offer(co(id));
        return q;
    }

    @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the consumer took it")
    @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "the consumer found the ring empty; it is there after")
    @Outcome(expect = Expect.FORBIDDEN, desc = "lost, duplicated, or seen before it was published")
    public abstract static class OfferPoll {
        final CoroutineQueue q;

        OfferPoll(CoroutineQueue.Concurrency c) { q = queue(2, c); }

        void offer() { q.offer(co(1)); }

        void poll(II_Result r) { r.r1 = id(q.poll(0)); }

        void rest(II_Result r) { r.r2 = CoroutineRingStress.rest(q); }
    }

    @JCStressTest
    @Description("One producer offers into an empty ring while the consumer polls.")
    @State
    public static class OfferPollSpsc extends OfferPoll {
        public OfferPollSpsc() { super(CoroutineQueue.Concurrency.SPSC); }
        @Actor public void producer() { offer(); }
        @Actor public void consumer(II_Result r) { poll(r); }
        @Arbiter public void after(II_Result r) { rest(r); }
    }

    @JCStressTest
    @Description("A producer that claims its index by CAS offers into an empty ring while the consumer polls.")
    @State
    public static class OfferPollMpsc extends OfferPoll {
        public OfferPollMpsc() { super(CoroutineQueue.Concurrency.MPSC); }
        @Actor public void producer() { offer(); }
        @Actor public void consumer(II_Result r) { poll(r); }
        @Arbiter public void after(II_Result r) { rest(r); }
    }

    @Outcome(id = "1, 1, 23", expect = Expect.ACCEPTABLE, desc = "the consumer freed a slot first; 3 went in behind 2")
    @Outcome(id = "0, 1, 2", expect = Expect.ACCEPTABLE, desc = "the producer found the ring full")
    @Outcome(expect = Expect.FORBIDDEN, desc = "a slot reused before it was freed: a coroutine overwritten or read twice")
    public abstract static class SlotReuse {
        final CoroutineQueue q;

        /** A full ring of two: the offer can only succeed into the slot the poll frees. */
        SlotReuse(CoroutineQueue.Concurrency c) { q = queue(2, c, 1, 2); }

        void offer(III_Result r) { r.r1 = q.offer(co(3)) ? 1 : 0; }

        void poll(III_Result r) { r.r2 = id(q.poll(0)); }

        void rest(III_Result r) { r.r3 = CoroutineRingStress.rest(q); }
    }

    @JCStressTest
    @Description("The one producer finds a free slot by reading the slot the consumer clears.")
    @State
    public static class SlotReuseSpsc extends SlotReuse {
        public SlotReuseSpsc() { super(CoroutineQueue.Concurrency.SPSC); }
        @Actor public void producer(III_Result r) { offer(r); }
        @Actor public void consumer(III_Result r) { poll(r); }
        @Arbiter public void after(III_Result r) { rest(r); }
    }

    @JCStressTest
    @Description("Many-producer offers re-read the consumer index when their cached bound is reached.")
    @State
    public static class SlotReuseMpsc extends SlotReuse {
        public SlotReuseMpsc() { super(CoroutineQueue.Concurrency.MPSC); }
        @Actor public void producer(III_Result r) { offer(r); }
        @Actor public void consumer(III_Result r) { poll(r); }
        @Arbiter public void after(III_Result r) { rest(r); }
    }

    @JCStressTest
    @Description("Two producers race for the last free slot of an MPSC ring.")
    @Outcome(id = "1, 0, 12", expect = Expect.ACCEPTABLE, desc = "the first producer won the slot")
    @Outcome(id = "0, 1, 13", expect = Expect.ACCEPTABLE, desc = "the second producer won the slot")
    @Outcome(expect = Expect.FORBIDDEN, desc = "both or neither got the one slot, or a coroutine was lost")
    @State
    public static class TwoProducers {
        final CoroutineQueue q = queue(2, CoroutineQueue.Concurrency.MPSC, 1);

        @Actor public void first(III_Result r) { r.r1 = q.offer(co(2)) ? 1 : 0; }
        @Actor public void second(III_Result r) { r.r2 = q.offer(co(3)) ? 1 : 0; }
        @Arbiter public void after(III_Result r) { r.r3 = rest(q); }
    }

    @Outcome(id = "0, 12", expect = Expect.ACCEPTABLE, desc = "the drain found nothing")
    @Outcome(id = "1, 2", expect = Expect.ACCEPTABLE, desc = "the drain took the first")
    @Outcome(id = "12, 0", expect = Expect.ACCEPTABLE, desc = "the drain took both")
    @Outcome(expect = Expect.FORBIDDEN, desc = "out of order, lost, duplicated or unpublished")
    public abstract static class Drain {
        final CoroutineQueue q;

        Drain(CoroutineQueue.Concurrency c) { q = queue(4, c); }

        void offerTwo() {
            q.offer(co(1));
            q.offer(co(2));
        }

        void drain(II_Result r) {
            Coroutine[] out = new Coroutine[2];
            int n = q.drain(out, 0, 2, 0);
            int digits = 0;
            for (int i = 0; i < n; i++) digits = digits * 10 + id(out[i]);
            r.r1 = digits;
        }

        void rest(II_Result r) { r.r2 = CoroutineRingStress.rest(q); }
    }

    @JCStressTest
    @Description("The consumer drains while the one producer offers two in turn.")
    @State
    public static class DrainSpsc extends Drain {
        public DrainSpsc() { super(CoroutineQueue.Concurrency.SPSC); }
        @Actor public void producer() { offerTwo(); }
        @Actor public void consumer(II_Result r) { drain(r); }
        @Arbiter public void after(II_Result r) { rest(r); }
    }

    @JCStressTest
    @Description("The consumer drains while a CAS-claiming producer offers two in turn.")
    @State
    public static class DrainMpsc extends Drain {
        public DrainMpsc() { super(CoroutineQueue.Concurrency.MPSC); }
        @Actor public void producer() { offerTwo(); }
        @Actor public void consumer(II_Result r) { drain(r); }
        @Arbiter public void after(II_Result r) { rest(r); }
    }
}
