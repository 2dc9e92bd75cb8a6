// Periodic JFR samples of a running stack: drops by reason since the last sample, queue depth and sojourn.
package io.flexnet.serve;

import io.flexnet.engine.Engine;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.pipeline.CoroutineQueue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.Timespan;

/**
 * Periodic JFR events sampled from the stack's counters, so JDK Mission Control draws the queue
 * tracing the paper proposes (§7) beside the JVM's own events: drops by stage and reason (the packets
 * since the last sample, exact even when the per-drop {@code flexnet.Drop} events are throttled) and
 * every queue's depth and sojourn quantiles. With no recording running the JVM never calls the
 * samplers. What happens once ({@code flexnet.Drop}, {@code flexnet.PolicyFault},
 * {@code flexnet.ExecutorFault}, {@code flexnet.CoreGrant}) is an event of its own, emitted where it
 * happens. Default period one second; a recording's
 * settings change it ({@code jfr configure} or {@code Recording.enable(...).withPeriod(...)}).
 *
 * <pre>{@code
 * java -XX:StartFlightRecording=filename=serve.jfr,settings=profile ... serve --tap fx0 ...
 * jfr print --events flexnet.Drops serve.jfr
 * }</pre>
 */
public final class JfrEvents implements AutoCloseable {
    @Name("flexnet.Drops") @Label("Drops") @Category({"FlexNet"}) @Period("1 s")
    @Description("Packets dropped since the last sample, by stage and reason")
    static final class Drops extends Event {
        @Label("Stage") String stage;
        @Label("Reason") String reason;
        @Label("Packets") long packets;
        @Label("Total") long total;
    }

    @Name("flexnet.Queue") @Label("Queue") @Category({"FlexNet"}) @Period("1 s")
    @Description("A coroutine queue's depth and the sojourn times of what left it")
    static final class Queue extends Event {
        @Label("Queue") String queue;
        @Label("Depth") int depth;
        @Label("Enqueued") long enqueued;
        @Label("Full") long full;
        @Label("Sojourn p50") @Timespan(Timespan.NANOSECONDS) long sojournP50;
        @Label("Sojourn p99") @Timespan(Timespan.NANOSECONDS) long sojournP99;
    }

    private final Runnable drops, queues;

    private JfrEvents(Runnable drops, Runnable queues) {
        this.drops = drops;
        this.queues = queues;
    }

    /** Samples {@code engine}, and the extra drop counters {@code more} gives (a filter's, qdiscs'). */
    public static JfrEvents register(Engine engine, Supplier<List<DropCounters>> more) {
        Map<String, Long> last = new HashMap<>();
        Runnable drops = () -> {
            List<DropCounters> all = new java.util.ArrayList<>(engine.dropCounters());
            all.addAll(more.get());
            for (DropCounters d : all) {
                for (DropReason r : DropReason.values()) {
                    long n = d.get(r);
                    if (n == 0) continue;
                    Long before = last.put(d.stage() + "/" + r.label(), n);
                    Drops e = new Drops();
                    e.stage = d.stage();
                    e.reason = r.label();
                    e.packets = n - (before == null ? 0 : before);
                    e.total = n;
                    e.commit();
                }
            }
        };
        Runnable queues = () -> {
            for (CoroutineQueue q : engine.queues()) {
                Queue e = new Queue();
                e.queue = q.name();
                e.depth = q.depth();
                e.enqueued = q.enqueued();
                e.full = q.full();
                e.sojournP50 = q.sojourn().quantileUpperBound(0.5);
                e.sojournP99 = q.sojourn().quantileUpperBound(0.99);
                e.commit();
            }
        };
        FlightRecorder.addPeriodicEvent(Drops.class, drops);
        FlightRecorder.addPeriodicEvent(Queue.class, queues);
        return new JfrEvents(drops, queues);
    }

    @Override
    public void close() {
        FlightRecorder.removePeriodicEvent(drops);
        FlightRecorder.removePeriodicEvent(queues);
    }
}
