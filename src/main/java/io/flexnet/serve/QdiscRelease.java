// A worker that releases what shaping qdiscs held back, for a serve with --qdisc tbf.
package io.flexnet.serve;

import io.flexnet.engine.Engine;
import io.flexnet.interpose.QdiscNic;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.sched.ExecContext;
import io.flexnet.sched.Executor;
import io.flexnet.sched.SleepUntilKicked;
import java.util.List;

/**
 * A tbf holds frames until its bucket covers them, and only a transmit or {@link QdiscNic#poll}
 * releases them, so a stack that stops sending would strand them. This executor polls the qdiscs on
 * a worker of its own that sleeps at most {@link #PERIOD_NANOS} between rounds (a 1514-byte frame
 * at 10 Mbit/s takes 1.2 ms): no frame waits much past its departure time.
 */
public final class QdiscRelease implements Executor {
    public static final long PERIOD_NANOS = 1_000_000L;
    private final QdiscNic qdiscs;

    private QdiscRelease(QdiscNic qdiscs) { this.qdiscs = qdiscs; }

    /** Adds the releasing worker to {@code engine}; call before it starts. */
    public static void on(Engine engine, QdiscNic qdiscs) {
        engine.worker("qdisc-release", new SleepUntilKicked(PERIOD_NANOS), new QdiscRelease(qdiscs));
    }

    @Override
    public int doWork(ExecContext ctx) { return qdiscs.poll(ctx.now()); }

    @Override
    public List<CoroutineQueue> queues() { return List.of(); }

    @Override
    public String name() { return "qdisc-release"; }
}
