// The interpose step kind: runs between layers, keeps what it takes, is contained, and is placed with care.
package io.flexnet.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.LayerContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InterposeStepTest {
    /** Takes (drops) packets whose length is odd; throws on length 13; records what it saw. */
    static final class OddDropper implements Interposer {
        final List<Integer> seen = new ArrayList<>();
        int taken;

        @Override public String name() { return "odd-dropper"; }

        @Override
        public int process(Packet p, LayerContext cx) {
            seen.add(p.length);
            if (p.length == 13) throw new IllegalStateException("boom");
            if ((p.length & 1) == 0) return NEXT;
            taken++;
            p.release();
            return TAKEN;
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void passesOrKeepsPacketsBetweenLayersAndContainsFaults(boolean interpreted) {
        try (PacketPool pool = new PacketPool(16)) {
            Coroutines coroutines = new Coroutines(pool);
            TestLayer.Set layers = new TestLayer.Set();
            OddDropper f = new OddDropper();
            PipelineBuilder b = PipelineBuilder.rx("filtered", layers).eth().ip().interpose(f).l4().socket();
            Pipeline pl = (interpreted ? b.interpreted() : b).build();
            assertEquals(!interpreted, pl.compiled());
            assertTrue(pl.toString().contains("odd-dropper"), pl.toString());
            for (int len : new int[] {60, 61, 13, 62}) {
                Packet p = pool.allocate();
                p.length = len;
                assertEquals(Coroutine.FINISHED, coroutines.of(p).start(pl, LayerContext.at(0)));
            }
            assertEquals(List.of(60, 61, 13, 62), f.seen);
            assertEquals(2, layers.sink.size(), "60 and 62 reached the socket");
            assertEquals(1, f.taken);
            assertEquals(1, pl.faults().get("odd-dropper"));
            assertEquals(1, pl.drops().get(DropReason.EXTENSION_FAULT));
            layers.releaseSink();
            assertEquals(pool.capacity(), pool.available(), "every slot back in the pool");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"first", "last"})
    void refusesAPlaceWhereItCannotWork(String where) {
        TestLayer.Set layers = new TestLayer.Set();
        OddDropper f = new OddDropper();
        PipelineBuilder b = PipelineBuilder.rx("bad", layers);
        if (where.equals("first")) b.interpose(f).eth().ip().l4().socket();
        else b.eth().ip().l4().socket().interpose(f);
        PipelineException e = assertThrows(PipelineException.class, b::build);
        assertTrue(e.getMessage().contains(where.equals("first") ? "before the first layer" : "after the last layer"),
                e.getMessage());
    }
}
