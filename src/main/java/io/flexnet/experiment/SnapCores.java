// Built-in design: Snap's three ways to give a stack cores (dedicated, spreading, compacting) under a core scheduler.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.sched.Compacting;
import io.flexnet.sched.CorePolicy;
import io.flexnet.sched.CoreScheduler;
import io.flexnet.sched.Dedicated;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.SleepUntilKicked;
import io.flexnet.sched.Spreading;

/**
 * {@code snap}: Snap's engine modes. {@code cores} workers ("engines") all poll the one NIC receive
 * queue, park requests in one shared queue before {@code eth_rcv}, and serve it; a {@link CoreScheduler}
 * runs the mode's core policy over them:
 * <ul>
 *   <li>{@code dedicated}: every engine keeps a core and busy-polls ({@link Dedicated}).
 *   <li>{@code spreading}: every engine keeps a core but sleeps until arrivals wake it ({@link Spreading}).
 *   <li>{@code compacting}: engines busy-poll, and the scheduler grants the fewest cores that keep the
 *       oldest queued request younger than {@code target_delay} ({@link Compacting}).
 * </ul>
 * The paper's scheduler period is 5 µs on a spinning thread; on a small machine that thread would take
 * a whole core from the stack and the generator, so here it parks between periods by default
 * ({@code period} 50 µs, {@code scheduler_spin} false): its reactions come later than Snap's.
 *
 * <p>Parameters: {@code mode}, {@code cores} (default 2), {@code period}, {@code scheduler_spin},
 * {@code target_delay} (compacting, default 50us), {@code shrink_after} (compacting: periods the load
 * must fit on fewer cores before one is returned, default 200).
 */
public final class SnapCores implements Design {
    private String mode;
    private int cores;
    private long period;
    private boolean schedulerSpin;
    private long targetDelay;
    private int shrinkAfter;

    @Override
    public void configure(Params p) {
        mode = p.choice("mode", "dedicated", "dedicated", "spreading", "compacting");
        // Each mode hands an engine a core of its own; more engines than cores would never all run
        // (checked when the run's machine is known: this one's cores, or the simulated runtime's).
        cores = p.integer("cores", 2, 1, 256);
        period = p.duration("period", 50_000);
        schedulerSpin = p.flag("scheduler_spin", false);
        targetDelay = p.duration("target_delay", 50_000);
        shrinkAfter = p.integer("shrink_after", 200, 1, 1_000_000);
    }

    @Override
    public void assemble(DesignContext ctx) {
        if (cores > ctx.machineCores()) {
            throw new IllegalArgumentException("needs " + cores + " cores, has " + ctx.machineCores());
        }
        // One receive queue every engine polls: which engine runs is the core policy's choice alone.
        ctx.nic(1, null, true);
        Engine e = ctx.engine();
        ctx.bindRequestPorts();
        CoroutineQueue q = e.queue("requests", 4096, CoroutineQueue.Concurrency.MPMC);
        Pipeline rx = e.rxTx("snap-" + mode)
                .queue(x -> 0, q).eth().ip().l4().yieldTo(ctx.server()).l4().ip().eth()
                .build();
        for (int i = 0; i < cores; i++) {
            IdleStrategy idle = mode.equals("spreading") ? new SleepUntilKicked() : IdleStrategy.busySpin();
            e.poll(0, rx, 32, "engine" + i, idle, new RoundRobinExecutor(1, q));
        }
        CorePolicy policy = switch (mode) {
            case "dedicated" -> new Dedicated(cores);
            case "spreading" -> new Spreading();
            default -> new Compacting(targetDelay, 0.8, shrinkAfter, 1);
        };
        int[] stackCores = new int[ctx.machineCores()];
        for (int i = 0; i < stackCores.length; i++) stackCores[i] = i;
        ctx.scheduler(CoreScheduler.builder(ctx.runtime(), policy)
                .workers(e.workers())
                .queues(q)
                .cores(stackCores)
                .periodNanos(period)
                .spin(schedulerSpin)
                .build());
    }

    @Override
    public String summary() {
        String how = switch (mode) {
            case "dedicated" -> "every engine busy-polls on a core of its own";
            case "spreading" -> "every engine has a core and sleeps until woken";
            default -> "busy-polling engines, cores granted while the oldest request is older than "
                    + io.flexnet.workload.Durations.format(targetDelay);
        };
        return "Snap " + mode + ": " + cores + " engine" + (cores == 1 ? "" : "s") + "; " + how
                + "; scheduler every " + io.flexnet.workload.Durations.format(period) + (schedulerSpin ? " (spinning)" : " (parking)");
    }
}
