package io.flexnet.proto;

import io.flexnet.packet.Stripe;
import io.flexnet.runtime.Quantum;

/**
 * What every layer is called with beside the packet (smoltcp's {@code Context}): the time of the
 * current round and the calling thread's counter stripe. A layer never reads a clock and never looks
 * up a thread: both come from here, found once per round of work rather than once per packet or per
 * increment.
 *
 * <p>A context belongs to one thread at a time: the stripe it carries is that thread's (or
 * {@link Stripe#SHARED}, counted atomically), and counting on another thread's stripe would lose
 * counts. A worker binds its context on its own thread ({@link #bindToCurrentThread()}) and sets the
 * time each round. A packet that changes threads (a {@code queue()} hand-off) is resumed with the
 * resuming worker's context, so each of its layers counts on the stripe of the thread that ran it:
 * every stripe keeps one writer, and no count is lost.
 *
 * <pre>{@code
 * LayerContext cx = new LayerContext();     // for this thread
 * cx.setNow(runtime.nanoTime());            // once per round or batch
 * stack.receive(p, cx);
 * }</pre>
 */
public final class LayerContext {
    private int stripe;
    private long now;
    /** The running slice's quantum flag: {@link Quantum#NEVER} unless a preempting executor set it. */
    private Quantum quantum = Quantum.NEVER;

    /** A context for the calling thread, its time 0 until set. */
    public LayerContext() { this.stripe = Stripe.current(); }

    private LayerContext(int stripe) { this.stripe = stripe; }

    /** A context for the calling thread at time {@code now}: for tests and setup code. */
    public static LayerContext at(long now) {
        LayerContext cx = new LayerContext();
        cx.setNow(now);
        return cx;
    }

    /**
     * A context any thread may count through (atomically, slower): for callers that cannot keep a
     * context per thread. Its time is whatever was last set, so it suits tests and setup, not rounds.
     */
    public static LayerContext shared() { return new LayerContext(Stripe.SHARED); }

    /** Makes this the calling thread's context: a worker calls it once, on its own thread, before its first round. */
    public void bindToCurrentThread() { this.stripe = Stripe.current(); }

    /** The current round's time, in the runtime's nanoseconds. */
    public long now() { return now; }

    public void setNow(long now) { this.now = now; }

    /**
     * The quantum of the slice running now, which a preemptible application polls at its yield points;
     * {@link Quantum#NEVER} when whoever runs the coroutine does not take requests back.
     */
    public Quantum quantum() { return quantum; }

    /**
     * The yield point of a preemptible application ({@code PreemptibleApplication}): true when the
     * running slice's quantum is spent and the handler should save its progress and return
     * {@code PREEMPTED}. One load of the flag word beyond the context's: no clock, no system call.
     */
    public boolean yieldPoint() { return quantum.yieldPoint(); }

    /** Whether whoever runs the coroutine now can take it back at a yield point. */
    public boolean preempts() { return quantum.preempts(); }

    /** Set by a preempting executor around each slice it runs, and reset to {@link Quantum#NEVER} after. */
    public void setQuantum(Quantum quantum) { this.quantum = java.util.Objects.requireNonNull(quantum); }

    /** The stripe counters are incremented on ({@link io.flexnet.packet.Counters#inc(int, int)}). */
    public int stripe() { return stripe; }

    @Override
    public String toString() { return "LayerContext[stripe " + stripe + ", now " + now + "]"; }
}
