package io.flexnet.pipeline;

/**
 * Something whose arrivals can wake a sleeping worker: a {@link CoroutineQueue} (an enqueue) or a NIC
 * receive queue's poller (a frame). A worker that sleeps when idle registers with the wake sources of
 * its executors, and only then: a source with no sleeper pays nothing on its arrival path.
 *
 * <p>A source honours the {@link CoroutineQueue.Sleeper} contract: after making an arrival visible it
 * reads {@link CoroutineQueue.Sleeper#sleeping()} behind a full fence and kicks a sleeper that says yes.
 *
 * <pre>{@code
 * for (WakeSource s : executor.wakeSources()) s.addSleeper(sleeper);   // before the first sleep
 * ...
 * for (WakeSource s : executor.wakeSources()) s.removeSleeper(sleeper); // once it no longer sleeps
 * }</pre>
 */
public interface WakeSource {
    /** From now on an arrival here kicks {@code s} if it is sleeping; adding it twice is adding it once. */
    void addSleeper(CoroutineQueue.Sleeper s);

    void removeSleeper(CoroutineQueue.Sleeper s);
}
