package io.flexnet.sched;

import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;

/**
 * Where a preempting executor puts a coroutine it takes back at a yield point (or sorts on arrival):
 * the back of the queue it came from (processor sharing, Shinjuku's dispatcher queue) or a level by
 * its attained or remaining service ({@link ShortestRemaining}). Called on the worker's thread with
 * the coroutine suspended; it must not keep it.
 */
@FunctionalInterface
public interface Requeue {
    CoroutineQueue queueFor(Coroutine co);
}
