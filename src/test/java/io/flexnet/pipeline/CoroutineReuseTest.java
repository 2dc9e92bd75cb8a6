package io.flexnet.pipeline;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A layer that takes a packet may release it while it is still running; another thread may then reuse
 * the slot and start the slot's coroutine afresh. The first thread must not touch that coroutine again
 * when the layer returns. Latches hold the first thread at exactly that point (as a preemption would).
 */
class CoroutineReuseTest {
    @Test
    void aFinishedCoroutineIsNotClobberedWhenItsSlotIsReusedBeforeTheLayerReturns() throws Exception {
        PacketPool pool = new PacketPool(2);
        Packet held = pool.allocate();  // leaves one slot, so the next allocation reuses the released one
        Coroutines coroutines = new Coroutines(pool);
        CoroutineQueue q = new CoroutineQueue("q", 8);
        CountDownLatch released = new CountDownLatch(1), restarted = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        java.util.function.Function<LayerKind, Layer> layers = kind -> new Layer() {
            @Override public String name() { return kind.label(); }
            @Override public LayerKind kind() { return kind; }

            @Override
            public int process(Packet p, LayerContext cx) {
                if (kind != LayerKind.SOCKET_RCV) return NEXT;
                p.release();
                if (first.getAndSet(false)) {
                    released.countDown();
                    try {
                        restarted.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return DONE;
            }
        };
        Pipeline rx = PipelineBuilder.rx("reuse", layers).queue(p -> 0, q).eth().ip().l4().socket().build();
        assertEquals(Coroutine.SUSPENDED, coroutines.of(pool.allocate()).start(rx, LayerContext.at(1)));
        Coroutine co = q.poll(2);
        AtomicReference<Integer> result = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().start(() -> result.set(co.resume(LayerContext.at(3))));

        assertTrue(released.await(10, TimeUnit.SECONDS));
        Packet again = pool.allocate();
        assertNotNull(again, "the released slot is free again while socket_rcv still runs");
        assertSame(co, coroutines.of(again));
        assertEquals(Coroutine.SUSPENDED, co.start(rx, LayerContext.at(4)));
        restarted.countDown();
        worker.join(10_000);

        assertEquals(Coroutine.FINISHED, result.get());
        assertSame(rx, co.pipeline(), "the restarted coroutine keeps its pipeline");
        assertSame(co, q.poll(5));
        assertEquals(Coroutine.FINISHED, co.resume(LayerContext.at(6)));
        held.release();
        assertEquals(pool.capacity(), pool.available());
        pool.close();
    }
}
