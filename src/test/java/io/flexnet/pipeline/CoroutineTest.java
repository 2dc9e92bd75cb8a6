package io.flexnet.pipeline;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.LayerKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;

/** The step loop's semantics, on compiled pipelines; {@link CoroutineInterpretedTest} reruns them interpreted. */
class CoroutineTest {
    /** Whether pipelines in this run are interpreted rather than compiled. */
    boolean interpreted() { return false; }

    PipelineBuilder rx(String name, TestLayer.Set l) {
        PipelineBuilder b = PipelineBuilder.rx(name, l);
        return interpreted() ? b.interpreted() : b;
    }

    PipelineBuilder rxTx(String name, TestLayer.Set l) {
        PipelineBuilder b = PipelineBuilder.rxTx(name, l);
        return interpreted() ? b.interpreted() : b;
    }

    private final PacketPool pool = new PacketPool(64);
    private final Coroutines coroutines = new Coroutines(pool);
    private final TestLayer.Set layers = new TestLayer.Set();

    @AfterEach
    void poolIsFullAgain() {
        layers.releaseSink();
        assertEquals(pool.capacity(), pool.available(), "every slot back in the pool");
    }

    private Coroutine fresh() {
        Packet p = pool.allocate();
        p.length = 60;
        return coroutines.of(p);
    }

    @Test
    void runsToTheEndWithoutSuspensionPoints() {
        Pipeline pl = rx("plain", layers).eth().ip().l4().socket().build();
        assertEquals(!interpreted(), pl.compiled());
        assertEquals(Coroutine.FINISHED, fresh().start(pl, LayerContext.at(0)));
        assertEquals(1, layers.sink.size());
    }

    @Test
    void suspendsAtQueueAndResumesAfterIt() {
        CoroutineQueue q = new CoroutineQueue("q", 4);
        Pipeline pl = rx("q", layers).eth().queue(p -> 0, q).ip().l4().socket().build();
        Coroutine co = fresh();
        assertEquals(Coroutine.SUSPENDED, co.start(pl, LayerContext.at(100)));
        assertEquals(2, co.pc());
        assertEquals(1, q.depth());
        assertEquals(40, q.oldestAgeNanos(140));
        assertEquals(0, layers.sink.size());
        Coroutine taken = q.poll(170);
        assertSame(co, taken);
        assertEquals(1, q.sojourn().count());
        assertEquals(Coroutine.FINISHED, taken.resume(LayerContext.at(170)));
        assertEquals(1, layers.sink.size());
        assertEquals(1, q.enqueued());
        assertEquals(1, q.dequeued());
    }

    @Test
    void dropsWhenTheQueueIsFullAndReturnsTheSlot() {
        CoroutineQueue q = new CoroutineQueue("small", 2);
        Pipeline pl = rx("full", layers).queue(p -> 0, q).eth().ip().l4().socket().build();
        for (int i = 0; i < 5; i++) fresh().start(pl, LayerContext.at(0));
        assertEquals(2, q.depth());
        assertEquals(3, q.full());
        assertEquals(3, pl.drops().get(DropReason.QUEUE_FULL));
        assertEquals(pool.capacity() - 2, pool.available());
        for (Coroutine c; (c = q.poll(0)) != null; ) c.resume(LayerContext.at(0));
    }

    @Test
    void dropsWhenTheSelectorPicksAQueueThatDoesNotExist() {
        CoroutineQueue q = new CoroutineQueue("q", 4);
        Pipeline pl = rx("range", layers).queue(p -> 7, q).eth().ip().l4().socket().build();
        assertEquals(Coroutine.FINISHED, fresh().start(pl, LayerContext.at(0)));
        assertEquals(1, pl.drops().get(DropReason.SELECTOR_RANGE));
        Pipeline neg = rx("neg", layers).queue(p -> -1, q).eth().ip().l4().socket().build();
        neg.toString();
        assertEquals(Coroutine.FINISHED, fresh().start(neg, LayerContext.at(0)));
        assertEquals(1, neg.drops().get(DropReason.SELECTOR_RANGE));
    }

    @Test
    void aSelectorThatSaysDropIsCountedAsAPolicyDrop() {
        CoroutineQueue q = new CoroutineQueue("q", 4);
        Pipeline pl = rx("pdrop", layers).queue(p -> Selector.DROP, q).eth().ip().l4().socket().build();
        assertEquals(Coroutine.FINISHED, fresh().start(pl, LayerContext.at(0)));
        assertEquals(1, pl.drops().get(DropReason.POLICY_DROP));
        assertEquals(0, pl.drops().get(DropReason.SELECTOR_RANGE));
    }

    @Test
    void aStrayAnswerAfterAnAnsweredYieldIsRefused() {
        Pipeline pl = rxTx("stray", layers).eth().ip().l4().yieldTo(co -> Application.ANSWER).l4().ip().eth().build();
        Coroutine co = fresh();
        assertEquals(Coroutine.FINISHED, co.start(pl, LayerContext.at(0)));
        assertThrows(IllegalStateException.class, () -> co.answer(LayerContext.at(1)));
        assertEquals(1, layers.sink.size(), "the reply was sent once");
    }

    @Test
    void containsAThrowingSelector() {
        CoroutineQueue q = new CoroutineQueue("q", 4);
        Pipeline pl = rx("fault", layers)
                .queue(p -> { throw new ArithmeticException("bad selector"); }, q).eth().ip().l4().socket().build();
        assertEquals(Coroutine.FINISHED, fresh().start(pl, LayerContext.at(0)));
        assertEquals(1, pl.drops().get(DropReason.EXTENSION_FAULT));
        assertEquals(1, pl.faults().get(0));
        assertInstanceOf(ArithmeticException.class, pl.lastFault());
    }

    @Test
    void containsAThrowingLayer() {
        Pipeline pl = rx("lf", layers).eth().ip().l4().socket().build();
        layers.get(LayerKind.IP_RCV).throwNext = true;
        assertEquals(Coroutine.FINISHED, fresh().start(pl, LayerContext.at(0)));
        assertEquals(1, pl.faults().get("ip_rcv"));
        assertEquals(Coroutine.FINISHED, fresh().start(pl, LayerContext.at(0)));  // the next packet goes through
        assertEquals(1, layers.sink.size());
    }

    @Test
    void aLayerThatDropsEndsTheCoroutine() {
        Pipeline pl = rx("ld", layers).eth().ip().l4().socket().build();
        layers.get(LayerKind.ETH_RCV).dropAll = true;
        assertEquals(Coroutine.FINISHED, fresh().start(pl, LayerContext.at(0)));
        assertEquals(1, layers.get(LayerKind.ETH_RCV).drops.get(DropReason.FILTER));
        assertTrue(layers.get(LayerKind.IP_RCV).threads.isEmpty());
    }

    @Test
    void yieldAnswersInPlaceAndRepliesToTheSender() {
        Application app = co -> {
            Packet p = co.packet();
            p.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, p.payloadOffset, (byte) 42);
            p.payloadLength = 1;
            return Application.ANSWER;
        };
        Pipeline pl = rxTx("rtc", layers).eth().ip().l4().yieldTo(app).l4().ip().eth().build();
        Coroutine co = fresh();
        Packet p = co.packet();
        p.srcIp = 1; p.dstIp = 2; p.srcPort = 10; p.dstPort = 20; p.payloadOffset = 200; p.payloadLength = 8;
        assertEquals(Coroutine.FINISHED, co.start(pl, LayerContext.at(0)));
        assertSame(p, layers.sink.getFirst());
        assertEquals(2, p.srcIp);
        assertEquals(1, p.dstIp);
        assertEquals(20, p.srcPort);
        assertEquals(10, p.dstPort);
        assertEquals(200, p.offset);
        assertEquals(1, p.length);
        assertEquals(1, layers.get(LayerKind.L4_SEND).repliesPrepared, "the transport after yield() made the reply");
    }

    @Test
    void heldYieldGoesOnWhenTheApplicationAnswers() {
        Coroutine[] held = new Coroutine[1];
        Pipeline pl = rxTx("hold", layers).eth().ip().l4()
                .yieldTo(co -> { held[0] = co; return Application.HOLD; }).l4().ip().eth().build();
        Coroutine co = fresh();
        assertEquals(Coroutine.SUSPENDED, co.start(pl, LayerContext.at(0)));
        assertSame(co, held[0]);
        assertTrue(layers.sink.isEmpty());
        assertEquals(Coroutine.FINISHED, co.answer(LayerContext.at(5)));
        assertEquals(1, layers.sink.size());
        assertThrows(IllegalStateException.class, () -> co.answer(LayerContext.at(6)));
    }

    /**
     * Five queue points cut the pipeline into six segments, which the compiler gives a method each;
     * a held yield inside one resumes mid-segment, and a fault in a late segment names its layer.
     */
    @Test
    void manySuspensionPointsResumeInOrderAcrossSegments() {
        CoroutineQueue[] q = new CoroutineQueue[5];
        for (int i = 0; i < q.length; i++) q[i] = new CoroutineQueue("q" + i, 4);
        Coroutine[] held = new Coroutine[1];
        Pipeline pl = rxTx("many", layers).queue(p -> 0, q[0]).eth().queue(p -> 0, q[1]).ip().queue(p -> 0, q[2]).l4()
                .yieldTo(co -> { held[0] = co; return Application.HOLD; })
                .l4().queue(p -> 0, q[3]).ip().queue(p -> 0, q[4]).eth().build();
        if (!interpreted()) {
            long segments = java.util.Arrays.stream(pl.program().getClass().getDeclaredMethods())
                    .filter(m -> m.getName().startsWith("segment")).count();
            assertEquals(6, segments, "one method per segment");
        }
        for (int round = 0; round < 2; round++) {
            if (round == 1) layers.get(LayerKind.IP_SEND).throwNext = true;
            Coroutine co = fresh();
            assertEquals(Coroutine.SUSPENDED, co.start(pl, LayerContext.at(0)));
            for (int i = 0; i < 3; i++) {
                assertSame(co, q[i].poll(1), "parked at point " + i);
                assertEquals(Coroutine.SUSPENDED, co.resume(LayerContext.at(1)));
            }
            assertSame(co, held[0], "held by the application after three points");
            assertEquals(Coroutine.SUSPENDED, co.answer(LayerContext.at(2)), "answered mid-segment: on to l4_send, then the fourth point");
            assertSame(co, q[3].poll(3));
            if (round == 0) {
                assertEquals(Coroutine.SUSPENDED, co.resume(LayerContext.at(3)));
                assertSame(co, q[4].poll(4));
                assertEquals(Coroutine.FINISHED, co.resume(LayerContext.at(4)));
                assertEquals(1, layers.sink.size());
            } else {
                assertEquals(Coroutine.FINISHED, co.resume(LayerContext.at(3)), "ip_send threw: dropped");
                assertEquals(1, pl.faults().get("ip_send"));
                assertEquals(0, q[4].depth());
            }
        }
        for (LayerKind k : new LayerKind[] {LayerKind.ETH_RCV, LayerKind.IP_RCV, LayerKind.L4_RCV, LayerKind.L4_SEND}) {
            assertEquals(2, layers.get(k).threads.size(), k + " ran once per packet");
        }
        assertEquals(1, layers.get(LayerKind.ETH_SEND).threads.size());
    }

    @Test
    void suspendedCoroutineFitsTheMemoryBudget() {
        long size = ClassLayout.parseClass(Coroutine.class).instanceSize();
        System.out.println("Coroutine instance size: " + size + " bytes");
        System.out.println(ClassLayout.parseClass(Coroutine.class).toPrintable());
        assertTrue(size <= 64, "a suspended coroutine holds " + size + " bytes beyond its slot");
    }
}
