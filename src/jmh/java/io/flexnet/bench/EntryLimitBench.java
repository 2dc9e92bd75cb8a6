package io.flexnet.bench;

import io.flexnet.interpose.Owner;
import io.flexnet.interpose.OwnerTable;
import io.flexnet.interpose.TenantLimits;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.workload.UdpFrames;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A per-tenant cap on a shared queue's entries, per packet: one offer and one take of a coroutine
 * whose frame (a 64-byte UDP datagram, not yet parsed, as a queue before {@code eth_rcv} sees it) goes
 * to a port its tenant holds. {@code none}: the queue has no entry limit (the baseline, in the same
 * run); {@code uncapped}: a limit, the tenant without a cap; {@code capped}: the tenant capped, so an
 * increment at the offer and a decrement at the take. 0 bytes per packet expected ({@code -prof gc}).
 *
 * <pre>{@code ./flexnet jmh EntryLimitBench -prof gc}</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EntryLimitBench {
    @Param({"none", "uncapped", "capped"})
    public String limit;

    private PacketPool pool;
    private Coroutine co;
    private CoroutineQueue queue;

    @Setup
    public void setup() {
        long ours = MacAddress.parse("02:00:c6:12:00:02"), peer = MacAddress.parse("02:00:c6:12:00:01");
        int ourIp = Ip4.parse("198.18.0.2"), peerIp = Ip4.parse("198.18.0.1");
        pool = new PacketPool(8);
        byte[] frame = UdpFrames.frame(ours, peer, peerIp, ourIp, 40000, 7000, new byte[64]);
        Packet p = pool.allocate(frame, 0, frame.length);
        co = new Coroutines(pool).of(p);
        queue = new CoroutineQueue("shared", 64, CoroutineQueue.Concurrency.SPSC);
        OwnerTable owners = new OwnerTable();
        owners.bind(OwnerTable.PROTO_UDP, 7000, new Owner("app", "app", "app"));
        owners.limits().set(owners.id("other"), TenantLimits.Limit.entries(8));  // some tenant is capped
        if (limit.equals("capped")) owners.limits().set(owners.id("app"), TenantLimits.Limit.entries(8));
        if (!limit.equals("none")) queue.limitEntries(owners.entryLimit());
    }

    @Benchmark
    public Coroutine offerAndTake() {
        if (!queue.offer(co)) throw new IllegalStateException("refused: " + queue);
        return queue.poll(0);
    }

    @TearDown
    public void tearDown() {
        co.packet().release();
        pool.close();
    }
}
