package io.flexnet.pipeline;

import io.flexnet.proto.LayerContext;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import io.flexnet.proto.Replier;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in layer for pipeline tests: records which thread ran it, and at the end of a template
 * (socket_rcv, eth_send) takes the packet into a sink. It can be told to throw or to drop. As an
 * {@code l4_send} after a {@code yield()} it answers in place the way UDP does (addresses and ports
 * swapped, the frame is the payload left by the application), and counts how often it was asked.
 */
public final class TestLayer implements Layer, Replier {
    public final LayerKind kind;
    public final List<String> threads = new CopyOnWriteArrayList<>();
    public final List<Packet> sink;
    public final DropCounters drops;
    public volatile boolean throwNext;
    public volatile boolean dropAll;
    public volatile int repliesPrepared;

    TestLayer(LayerKind kind, List<Packet> sink) {
        this.kind = kind;
        this.sink = sink;
        this.drops = new DropCounters(kind.label());
    }

    @Override public String name() { return kind.label(); }
    @Override public LayerKind kind() { return kind; }

    @Override
    public int process(Packet p, LayerContext cx) {
        threads.add(Thread.currentThread().getName());
        if (throwNext) {
            throwNext = false;
            throw new IllegalStateException("boom in " + name());
        }
        if (dropAll) {
            drops.drop(p, DropReason.FILTER);
            return DONE;
        }
        if (kind == LayerKind.SOCKET_RCV || kind == LayerKind.ETH_SEND) {
            sink.add(p);
            return DONE;
        }
        return NEXT;
    }

    @Override
    public void prepareReply(Packet p, LayerContext cx) {
        repliesPrepared++;
        int ip = p.srcIp;
        p.srcIp = p.dstIp;
        p.dstIp = ip;
        int port = p.srcPort;
        p.srcPort = p.dstPort;
        p.dstPort = port;
        p.offset = p.payloadOffset;
        p.length = p.payloadLength;
    }

    /** One layer per kind, all delivering into one sink. */
    public static final class Set implements Function<LayerKind, Layer> {
        public final List<Packet> sink = new CopyOnWriteArrayList<>();
        private final ConcurrentHashMap<LayerKind, TestLayer> layers = new ConcurrentHashMap<>();

        public TestLayer get(LayerKind k) { return layers.computeIfAbsent(k, x -> new TestLayer(x, sink)); }

        @Override public Layer apply(LayerKind k) { return get(k); }

        /** Releases everything delivered so far; returns how many. */
        public int releaseSink() {
            int n = sink.size();
            for (Packet p : sink) p.release();
            sink.clear();
            return n;
        }
    }
}
