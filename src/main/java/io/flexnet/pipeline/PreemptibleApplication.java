package io.flexnet.pipeline;

import io.flexnet.proto.LayerContext;

/**
 * An application at a {@code yield()} that a preempting executor may stop at its yield points, as
 * Shinjuku and Concord stop long requests so short ones behind them need not wait. Java keeps no
 * stack for a coroutine, so the handler is a step function: it polls {@link LayerContext#yieldPoint()}
 * where stopping is cheap, and when that says the quantum is spent it saves where it got to in the
 * request's own coroutine ({@link Coroutine#setProgress}, a long; more in the packet's slot) and returns
 * {@link #PREEMPTED}. The executor puts the coroutine back in a queue; whichever worker resumes it calls
 * {@code onYield} again, and the handler carries on from {@link Coroutine#progress()} (0 on the first
 * call). No thread and no stack are held per request.
 *
 * <pre>{@code
 * // Sum the payload's bytes, a byte at a time, stoppable between any two of them.
 * PreemptibleApplication sum = (co, cx) -> {
 *     Packet p = co.packet();
 *     long acc = co.progress() >>> 32;
 *     int i = (int) co.progress();
 *     for (; i < p.payloadLength; i++) {
 *         acc += Bytes.u8(p.segment(), p.payloadOffset + i);
 *         if (cx.yieldPoint()) { co.setProgress(acc << 32 | (i + 1)); return PREEMPTED; }
 *     }
 *     Bytes.i64(p.segment(), p.payloadOffset, acc);
 *     p.payloadLength = 8;
 *     return ANSWER;
 * };
 * }</pre>
 *
 * A handler that never polls is never preempted: it simply runs to completion, as any
 * {@link Application} does. Under an executor that does not preempt, {@code yieldPoint()} is always
 * false.
 */
@FunctionalInterface
public interface PreemptibleApplication extends Application {
    /** One slice of the request's work, with the context of the worker running it (its quantum, its time). */
    int onYield(Coroutine co, LayerContext cx);

    /** The pipeline calls the two-argument form; this one runs a whole request with nothing to preempt it. */
    @Override
    default int onYield(Coroutine co) { return onYield(co, LayerContext.at(0)); }
}
