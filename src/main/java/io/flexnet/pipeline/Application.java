package io.flexnet.pipeline;

/**
 * The application at a {@code yield()} point of a run-to-completion (Rx+Tx) pipeline, as in IX,
 * Shenango or Shinjuku: the request's payload is at {@code co.packet().payloadOffset}, length
 * {@code payloadLength}. The application writes its reply over it in the same slot, sets
 * {@code payloadLength}, and returns {@link #ANSWER}: the coroutine goes on to the send layers, which
 * address the reply to the request's sender.
 *
 * <pre>{@code
 * Application echo = co -> ANSWER;                  // reply with the request's own bytes
 * }</pre>
 *
 * {@link #HOLD} keeps the coroutine suspended until the application calls {@link Coroutine#answer};
 * {@link #CONSUMED} means the application kept or released the packet and nothing is sent.
 * {@link #PREEMPTED} is for a {@link PreemptibleApplication}: it stopped at a yield point.
 */
@FunctionalInterface
public interface Application {
    int ANSWER = 0;
    int HOLD = 1;
    int CONSUMED = 2;
    /**
     * Stopped at a yield point with its progress saved in the coroutine ({@link Coroutine#setProgress}):
     * the coroutine suspends at this {@code yield()} and the application is called again when an
     * executor resumes it. Only a {@link PreemptibleApplication} run by a preempting executor may
     * answer this; anywhere else it is an extension fault.
     */
    int PREEMPTED = 3;

    int onYield(Coroutine co);
}
