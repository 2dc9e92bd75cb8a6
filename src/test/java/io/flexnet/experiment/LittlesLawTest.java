// Little's law on the stack's own coroutine queue, in virtual time: L = λ·W from the queue's counters.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.engine.Engine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.runtime.sim.SimRuntime;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.SleepUntilKicked;
import org.junit.jupiter.api.Test;

/**
 * One queue between the NIC poller and one serving worker, under Poisson load at utilisation 0.8.
 * The queue's mean length is sampled every 100 ns of virtual time; its arrival rate comes from its
 * enqueue count, its mean sojourn from its histogram's exact sum. Little's law, L = λ·W, must hold
 * within 3% — which it does only if every coroutine's suspension time is stamped when it parks and
 * its sojourn recorded, once, when it leaves: a sojourn counted 10% short, or a dequeue path that
 * skips the record, moves λ·W away from the sampled L by more than the tolerance.
 */
class LittlesLawTest {
    /** The queue under test and what the sampler saw; one run at a time. */
    static CoroutineQueue queue;
    static long depthSum, samples, firstSample, lastSample;

    public static final class OneQueue implements Design {
        @Override
        public void assemble(DesignContext ctx) {
            Engine e = ctx.engine();
            ctx.bindRequestPorts();
            CoroutineQueue q = e.queue("work", 1 << 14, CoroutineQueue.Concurrency.SPSC);
            e.poll(0, e.rxTx("one-queue").queue(p -> 0, q).eth().ip().l4().yieldTo(ctx.server()).l4().ip().eth().build(),
                    32, "nic", new SleepUntilKicked());
            e.worker("server", new SleepUntilKicked(), new RoundRobinExecutor(q));
            queue = q;
            depthSum = samples = 0;
            firstSample = lastSample = -1;
            SimRuntime sim = (SimRuntime) ctx.runtime();
            sim.every(100, sim.nanoTime() + 100, t -> {
                depthSum += q.depth();
                samples++;
                if (firstSample < 0) firstSample = t;
                lastSample = t;
            });
        }
    }

    private static final String FILE = """
            name: little
            workload:
              seed: 9
              flows: 16
              classes: [{name: get, port: 9000}]
              service: {GET: exponential 10us}
            loads: [80000]
            warmup: 10ms
            duration: 200ms
            runtime: {kind: simulated, cores: 2, cost: {wake: 0ns}}
            designs:
              - {name: one-queue, class: io.flexnet.experiment.LittlesLawTest$OneQueue}
            """;

    @Test
    void theMeanQueueLengthIsTheArrivalRateTimesTheMeanSojourn() throws Exception {
        new Runner(null, null).run(ExperimentFile.parse("little.yaml", FILE));
        double seconds = (lastSample - firstSample) / 1e9;
        double l = (double) depthSum / samples;
        double lambda = queue.enqueued() / seconds;
        double w = queue.sojourn().meanNanos() / 1e9;
        assertEquals(queue.enqueued(), queue.sojourn().count(), "every coroutine that entered left, its sojourn recorded");
        assertTrue(l > 1, "a queue that builds up (mean length " + l + ")");
        System.out.printf("Little's law on queue 'work': L %.3f, λ %.0f/s, W %.3f us, λ·W %.3f%n", l, lambda, w * 1e6, lambda * w);
        assertEquals(lambda * w, l, 0.03 * l, "L " + l + ", λ " + lambda + "/s, W " + w * 1e6 + " us");
    }
}
