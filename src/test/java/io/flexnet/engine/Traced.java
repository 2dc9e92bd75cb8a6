package io.flexnet.engine;

import io.flexnet.proto.LayerContext;
import io.flexnet.packet.Packet;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Wraps a real layer and records the threads it ran on: where each layer ran is what the listings test. */
final class Traced implements Layer {
    final Layer inner;
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final AtomicLong calls = new AtomicLong();

    Traced(Layer inner) { this.inner = inner; }

    @Override public String name() { return inner.name(); }
    @Override public LayerKind kind() { return inner.kind(); }

    @Override
    public int process(Packet p, LayerContext cx) {
        threads.add(Thread.currentThread().getName());
        calls.incrementAndGet();
        return inner.process(p, cx);
    }
}
