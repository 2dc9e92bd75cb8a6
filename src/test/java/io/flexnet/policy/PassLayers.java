package io.flexnet.policy;

import io.flexnet.proto.LayerContext;
import io.flexnet.packet.Packet;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Stand-in layers for pipelines in policy tests: every layer passes the packet on, and socket_rcv
 * counts it and releases the slot. Counting instead of collecting keeps long traffic runs cheap.
 */
final class PassLayers implements Function<LayerKind, Layer> {
    final AtomicLong delivered = new AtomicLong();

    @Override
    public Layer apply(LayerKind kind) {
        return new Layer() {
            @Override public String name() { return kind.label(); }
            @Override public LayerKind kind() { return kind; }

            @Override
            public int process(Packet p, LayerContext cx) {
                if (kind != LayerKind.SOCKET_RCV) return NEXT;
                delivered.incrementAndGet();
                p.release();
                return DONE;
            }
        };
    }
}
