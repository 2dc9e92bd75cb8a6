package io.flexnet.bench;

import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.sched.ExecContext;
import io.flexnet.workload.UdpFrames;

/**
 * The receive path eth_rcv → ip_rcv → udp_rcv → socket_rcv on one core, for a valid UDP frame with a
 * 64-byte payload, in one of these shapes:
 * <ul>
 * <li>{@code fused}: the layers called back to back, no coroutine machinery (the baseline);</li>
 * <li>{@code 0}: the pipeline's step loop with no suspension point;</li>
 * <li>{@code 1}, {@code 2}, {@code 4}: that many {@code queue()} points (before eth_rcv, then before
 *     ip_rcv, udp_rcv and socket_rcv), each with its own single-producer single-consumer queue, all
 *     resumed on this thread as a worker would;</li>
 * <li>a shape with an {@code i} suffix ({@code 1i}): the same pipeline interpreted, not compiled;</li>
 * <li>a shape with a {@code v} suffix ({@code fusedv}, {@code 1v}): the frame arrives with the device's
 *     checksum verdict ({@link Packet#CSUM_UNNECESSARY}), so ip_rcv and udp_rcv skip their sums.</li>
 * </ul>
 * One slot is reused in place (the layers only read the frame), so what is measured is the stack, not
 * a copy. Used by the JMH benchmark and by {@code flexnet bench pipeline}.
 */
public final class PipelineRig {
    public static final String[] SHAPES = {"fused", "0", "1", "2", "4", "0i", "1i", "4i", "fusedv", "1v"};
    static final long OUR_MAC = MacAddress.parse("02:00:c6:12:00:02");
    static final long PEER_MAC = MacAddress.parse("02:00:c6:12:00:01");
    static final int OUR_IP = Ip4.parse("198.18.0.2");
    static final int PEER_IP = Ip4.parse("198.18.0.1");
    static final int PORT = 7000;
    static final int PAYLOAD = 64;

    private final PacketPool pool = new PacketPool(64);
    private final ProtoStack stack;
    private final Coroutines coroutines = new Coroutines(pool);
    private final ExecContext ctx = new ExecContext(0);
    private final boolean fused;
    private final Pipeline pipeline;
    private final CoroutineQueue[] queues;
    private final Packet held;
    private final int frameLength;
    private final int verdict;
    private long delivered;

    public PipelineRig(String shape) {
        stack = new ProtoStack(new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), pool, Packet::release, RealRuntime.INSTANCE);
        stack.ports().bind(PORT, new Endpoint() {
            public int id() { return 1; }
            public boolean offer(Packet p) { delivered++; return true; }  // keeps the slot for the next op
        });
        boolean vouched = shape.endsWith("v");
        if (vouched) shape = shape.substring(0, shape.length() - 1);
        verdict = vouched ? Packet.CSUM_UNNECESSARY : Packet.CSUM_NONE;
        fused = shape.equals("fused");
        boolean interpreted = shape.endsWith("i");
        int points = fused ? 0 : Integer.parseInt(interpreted ? shape.substring(0, shape.length() - 1) : shape);
        if (points != 0 && points != 1 && points != 2 && points != 4) {
            throw new IllegalArgumentException("shape must be fused, or 0, 1, 2, 4 with an optional i, then an"
                    + " optional v; got " + shape);
        }
        queues = new CoroutineQueue[points];
        for (int i = 0; i < points; i++) queues[i] = new CoroutineQueue("q" + i, 64, CoroutineQueue.Concurrency.SPSC);
        PipelineBuilder b = PipelineBuilder.rx("bench-" + shape, stack::layer);
        if (interpreted) b.interpreted();
        if (points >= 1) b.queue(p -> 0, queues[0]);
        b.eth();
        if (points >= 2) b.queue(p -> 0, queues[1]);
        b.ip();
        if (points >= 4) b.queue(p -> 0, queues[2]);
        b.l4();
        if (points >= 4) b.queue(p -> 0, queues[3]);
        pipeline = b.socket().build();

        byte[] payload = new byte[PAYLOAD];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
        byte[] frame = UdpFrames.frame(OUR_MAC, PEER_MAC, PEER_IP, OUR_IP, 40000, PORT, payload);
        frameLength = frame.length;
        held = pool.allocate(frame, 0, frame.length);
    }

    /** One packet through the path; returns the delivered count so the JIT cannot drop the work. */
    public long once() {
        Packet p = held;
        p.offset = pool.headroom();
        p.length = frameLength;
        p.dstPort = 0;  // as a fresh frame: selectors and layers parse again
        p.csumVerdict = verdict;  // as the driver would set it
        if (fused) {
            stack.receive(p, ctx.layers());
        } else {
            Coroutine co = coroutines.of(p);
            co.start(pipeline, ctx.layers());
            final CoroutineQueue[] qs = queues;
            for (int i = 0; i < qs.length; i++) ctx.resume(qs[i], 1);
        }
        return delivered;
    }

    /** Fails unless every op so far delivered the frame and nothing was dropped. */
    public void check(long ops) {
        if (delivered != ops || !stack.dropsByReason().isEmpty() || pipeline.drops().total() != 0) {
            throw new IllegalStateException("delivered " + delivered + " of " + ops + "; drops "
                    + stack.dropsByReason() + " " + pipeline.drops());
        }
    }

    public long delivered() { return delivered; }

    public void close() {
        held.release();
        pool.close();
    }
}
