// Which queue of each queue() point a workload's requests reach, found by asking the point's selector.
package io.flexnet.experiment;

import io.flexnet.nic.Rss;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.workload.Addresses;
import io.flexnet.workload.RequestClass;
import io.flexnet.workload.UdpFrames;
import io.flexnet.workload.Workload;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The work per request, in nanoseconds of mean service time, that lands in each queue of a pipeline's
 * {@code queue(selector, ...)} points under a workload: each class's requests are built as the load
 * generator builds them (its frame, one per flow, the NIC's RSS hash) and handed to the point's
 * selector, which says where they park. Weighted by the classes' shares, summed per queue. A selector
 * that reads only the frame (ports, addresses, the flow hash) is answered exactly; one that keeps
 * state or reads fields the layers before it would set is a guess, which is why this only informs the
 * check and never refuses a design.
 */
final class QueueLoad {
    private QueueLoad() {}

    /** Per queue reached by {@code pl}'s points: nanoseconds of service per request of the whole workload. */
    static Map<CoroutineQueue, Double> of(Pipeline pl, Workload w, Addresses a, PacketPool pool) {
        Map<CoroutineQueue, Double> out = new LinkedHashMap<>();
        Rss rss = new Rss(1);
        double shares = 0;
        for (RequestClass c : w.classes()) shares += c.share();
        int flows = Math.max(1, Math.min(w.flows(), 1024));
        for (Pipeline.QueuePoint qp : pl.queuePoints()) {
            for (RequestClass c : w.classes()) {
                double perFlow = c.share() / shares / flows * meanService(w, c);
                for (int f = 0; f < flows; f++) {
                    Packet p = pool.allocate();
                    if (p == null) return out;  // nothing to probe with: say nothing
                    try {
                        p.length = UdpFrames.writeHeaders(p.segment(), p.offset, a.stackMac(), a.clientMac(), a.clientIp(),
                                a.stackIp(), 1024 + f, c.port(), Math.max(c.payloadBytes(), 16), f);
                        p.flowHash = rss.hashFrame(p.segment(), p.offset, p.length);
                        int q;
                        try {
                            q = qp.selector().select(p);
                        } catch (RuntimeException e) {
                            continue;  // a selector that needs what the probe lacks: no estimate for it
                        }
                        if (q >= 0 && q < qp.queues().size()) out.merge(qp.queues().get(q), perFlow, Double::sum);
                    } finally {
                        p.release();
                    }
                }
            }
        }
        return out;
    }

    private static double meanService(Workload w, RequestClass c) {
        double[] mix = c.mix();
        double sum = mix[1] + mix[2] + mix[3], mean = 0;
        for (int t = 1; t < 4; t++) if (mix[t] > 0) mean += mix[t] / sum * w.service()[t].meanNanos();
        return mean;
    }
}
