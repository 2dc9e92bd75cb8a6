package io.flexnet.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import org.junit.jupiter.api.Test;

class PipelineVerifierTest {
    private final TestLayer.Set layers = new TestLayer.Set();
    private final CoroutineQueue q = new CoroutineQueue("q", 16);

    private PipelineException refused(PipelineBuilder b) {
        return assertThrows(PipelineException.class, b::build);
    }

    @Test
    void buildsListingOneWithQueueBeforeL2() {
        Pipeline p = PipelineBuilder.rx("l1", layers).queue(x -> 0, q).eth().ip().l4().socket().build();
        assertEquals(5, p.steps());
        assertEquals("queue(q) > eth_rcv > ip_rcv > l4_rcv > socket_rcv", p.toString().substring(3));
    }

    @Test
    void composesSeveralSuspensionPoints() {
        Pipeline p = PipelineBuilder.rx("two", layers)
                .queue(x -> 0, q).eth().ip().l4().queue(x -> 0, q).socket().build();
        assertEquals(6, p.steps());
        assertEquals(java.util.List.of(q), p.queues());
    }

    @Test
    void refusesLayersOutOfProtocolOrder() {
        PipelineException e = refused(PipelineBuilder.rx("bad", layers).ip().eth().l4().socket());
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("step 1 (eth_rcv)"), e.getMessage());
        assertTrue(e.getMessage().contains("out of protocol order"), e.getMessage());
    }

    @Test
    void refusesALayerTwice() {
        PipelineException e = refused(PipelineBuilder.rx("twice", layers).eth().eth().ip().l4().socket());
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("no further eth layer"), e.getMessage());
        PipelineException e2 = refused(PipelineBuilder.rx("twice2", layers)
                .eth().layer(layers.get(LayerKind.ETH_RCV)).ip().l4().socket());
        assertTrue(e2.getMessage().contains("appears twice (also step 0)"), e2.getMessage());
    }

    @Test
    void refusesAMissingLayer() {
        PipelineException e = refused(PipelineBuilder.rx("missing", layers).eth().ip().socket());
        assertTrue(e.getMessage().contains("l4_rcv") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void refusesAForeignLayer() {
        PipelineException e = refused(PipelineBuilder.rx("foreign", layers)
                .eth().ip().l4().layer(layers.get(LayerKind.IP_SEND)).socket());
        assertEquals(3, e.step());
        assertTrue(e.getMessage().contains("ip_send does not belong in a RX pipeline"), e.getMessage());
    }

    @Test
    void refusesAdjacentSuspensionPoints() {
        PipelineException e = refused(PipelineBuilder.rx("adj", layers)
                .queue(x -> 0, q).queue(x -> 0, q).eth().ip().l4().socket());
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("no layer between"), e.getMessage());
    }

    @Test
    void refusesASuspensionPointAfterTheLastLayer() {
        PipelineException e = refused(PipelineBuilder.rx("end", layers)
                .eth().ip().l4().socket().queue(x -> 0, q));
        assertEquals(4, e.step());
        assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
    }

    @Test
    void refusesYieldOutsideRxTx() {
        PipelineException e = refused(PipelineBuilder.rx("y", layers)
                .eth().ip().l4().yieldTo(co -> Application.ANSWER).socket());
        assertTrue(e.getMessage().contains("only allowed in an RX_TX"), e.getMessage());
    }

    @Test
    void refusesYieldWhereNoApplicationCanAnswer() {
        PipelineException e = refused(PipelineBuilder.rxTx("y", layers)
                .eth().ip().yieldTo(co -> Application.ANSWER).l4().l4().ip().eth());
        assertEquals(2, e.step());
        assertTrue(e.getMessage().contains("right after l4_rcv"), e.getMessage());
        PipelineException none = refused(PipelineBuilder.rxTx("none", layers).eth().ip().l4().l4().ip().eth());
        assertTrue(none.getMessage().contains("needs one yield()"), none.getMessage());
    }

    @Test
    void refusesQueuePointsWithoutSelectorOrQueues() {
        assertTrue(refused(PipelineBuilder.rx("s", layers).queue(null, q).eth().ip().l4().socket())
                .getMessage().contains("needs a selector"));
        assertTrue(refused(PipelineBuilder.rx("s", layers).queue(x -> 0).eth().ip().l4().socket())
                .getMessage().contains("at least one queue"));
    }

    @Test
    void refusesASuppliedLayerOfTheWrongKind() {
        PipelineException e = refused(PipelineBuilder.rx("k", k -> layers.get(LayerKind.IP_RCV))
                .eth().ip().l4().socket());
        assertTrue(e.getMessage().contains("is a ip_rcv, not a eth_rcv"), e.getMessage());
    }

    @Test
    void refusesATransportAfterYieldThatCannotReply() {
        Layer plain = new Layer() {
            public String name() { return "plain_send"; }
            public LayerKind kind() { return LayerKind.L4_SEND; }
            public int process(io.flexnet.packet.Packet p, io.flexnet.proto.LayerContext cx) { return NEXT; }
        };
        PipelineException e = refused(PipelineBuilder.rxTx("r", layers)
                .eth().ip().l4().yieldTo(co -> Application.ANSWER).layer(plain).ip().eth());
        assertEquals(4, e.step());
        assertTrue(e.getMessage().contains("'plain_send' cannot answer a request in place"), e.getMessage());
    }

    @Test
    void namesTheFirstFaultEvenWhenALaterLevelCannotBeResolved() {
        PipelineException e = refused(PipelineBuilder.rx("first", layers).queue(null, q).eth().eth().ip().l4().socket());
        assertEquals(0, e.step());
        assertTrue(e.getMessage().contains("needs a selector"), e.getMessage());
    }

    @Test
    void aForgottenTransportAfterYieldIsMissingRatherThanUnableToReply() {
        PipelineException e = refused(PipelineBuilder.rxTx("forgot", layers)
                .eth().ip().l4().yieldTo(co -> Application.ANSWER).ip().eth());
        assertEquals(-1, e.step());
        assertTrue(e.getMessage().contains("(l4_send): missing"), e.getMessage());
    }
}
