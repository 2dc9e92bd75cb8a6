// A design from outside the built-ins, as a user would write one: a shared queue served by N workers.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.SleepUntilKicked;

public final class EchoDesign implements Design {
    private int workers;

    @Override
    public void configure(Params p) { workers = p.integer("workers", 1, 1, 8); }

    @Override
    public void assemble(DesignContext ctx) {
        Engine e = ctx.engine();
        ctx.bindRequestPorts();
        CoroutineQueue q = e.queue("requests", 4096, CoroutineQueue.Concurrency.MPMC);
        Pipeline p = e.rxTx("echo").queue(x -> 0, q).eth().ip().l4().yieldTo(ctx.server()).l4().ip().eth().build();
        e.poll(0, p, 32, "nic", new SleepUntilKicked());
        for (int i = 0; i < workers; i++) e.worker("w" + i, new SleepUntilKicked(), new RoundRobinExecutor(1, q));
    }
}
