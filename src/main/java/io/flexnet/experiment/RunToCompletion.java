// Built-in design: the dataplane-OS structure, each core polls its own NIC queue and runs every request to completion.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.SleepUntilKicked;

/**
 * {@code run-to-completion}: the FlexNet paper's Listing 5 as IX or Shenango run it. {@code cores}
 * workers each poll one NIC receive queue (RSS spreads flows over them) and carry every frame through
 * eth_rcv, ip_rcv, udp_rcv, the request server at {@code yield()}, and the send layers, with no
 * suspension point in between: the cheapest path, and a long request blocks everything behind it on
 * that core.
 *
 * <p>Parameters: {@code cores} (workers and NIC queues, default 1), {@code idle} ({@code sleep}: woken by
 * arrivals, default; {@code spin}: busy poll), {@code batch} (frames per poll, default 32).
 */
public final class RunToCompletion implements Design {
    private int cores;
    private String idle;
    private int batch;

    @Override
    public void configure(Params p) {
        cores = p.integer("cores", 1, 1, 64);
        idle = p.choice("idle", "sleep", "sleep", "spin");
        batch = p.integer("batch", 32, 1, 256);
    }

    @Override
    public void assemble(DesignContext ctx) {
        ctx.nic(cores, null, false);
        Engine e = ctx.engine();
        ctx.bindRequestPorts();
        Pipeline rtc = e.rxTx("run-to-completion")
                .eth().ip().l4().yieldTo(ctx.server()).l4().ip().eth()
                .build();
        for (int i = 0; i < cores; i++) e.poll(i, rtc, batch, "rtc" + i, idleStrategy(idle));
    }

    static IdleStrategy idleStrategy(String idle) {
        return idle.equals("spin") ? IdleStrategy.busySpin() : new SleepUntilKicked();
    }

    @Override
    public String summary() {
        return "run to completion: " + cores + " core" + (cores == 1 ? "" : "s") + " each polling its NIC queue ("
                + idle + " when idle), request served at yield()";
    }
}
