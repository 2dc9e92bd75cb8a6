package io.flexnet.policy;

import static io.flexnet.fixture.Hosts.US;
import static io.flexnet.fixture.Hosts.PEER;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A policy that throws or answers out of turn hurts only its own tenant, and is removed in the end. */
class FaultContainmentTest {
    private final PacketPool pool = new PacketPool(16);
    private final Tenants tenants = new Tenants().faultThreshold(5).countDecisions(true);
    private final Tenant bad = tenants.register("bad", 7000);
    private final Tenant good = tenants.register("good", 8000);
    private final PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
    private final List<String> reports = new ArrayList<>();

    FaultContainmentTest() {
        tenants.addRemovalListener((d, t) -> reports.add(d.tenant().name() + "/" + d.policy().name() + "/"
                + (t == null ? "index" : t.getMessage())));
    }

    @AfterEach
    void close() {
        tenants.close();
        assertEquals(0, pool.inUse());
        pool.close();
    }

    private int choose(int port, int choices) {
        Packet p = Packets.parsed(pool, Frame.udp().from(PEER).to(US).ports(40_000, port).payload(new byte[20])
                .build());
        try {
            return hook.choose(p, choices);
        } finally {
            p.release();
        }
    }

    static final class Thrower implements MatchingPolicy {
        @Override public int schedule(PolicyInput in) { throw new IllegalStateException("boom"); }
        @Override public String name() { return "thrower"; }
    }

    @Test
    void aThrowingPolicyFallsBackToPassIsCountedAndRemovedAtTheThreshold() {
        Deployment d = bad.deploy(hook, new Thrower());
        Deployment g = good.deploy(hook, new RoundRobinPolicy());
        for (int i = 0; i < 4; i++) {
            assertEquals(MatchingPolicy.PASS, choose(7000, 4));
            assertEquals(i, choose(8000, 4), "the other tenant is untouched");
        }
        assertEquals(4, d.faults());
        assertEquals(Deployment.State.ACTIVE, d.state());
        assertTrue(reports.isEmpty());
        assertEquals(MatchingPolicy.PASS, choose(7000, 4));  // the fifth fault
        assertEquals(Deployment.State.FAULTED, d.state());
        assertEquals(List.of("bad/thrower/boom"), reports);
        assertEquals(1, tenants.removals());
        assertNull(bad.deployment(hook));
        assertEquals(5, bad.faults());
        assertEquals(0, good.faults());
        assertInstanceOf(IllegalStateException.class, d.lastFault());
        for (int i = 0; i < 10; i++) assertEquals(MatchingPolicy.PASS, choose(7000, 4));
        assertEquals(5, d.faults(), "a removed policy is not called any more");
        assertEquals(10, hook.undeployed());
        assertEquals(List.of("bad/thrower/boom"), reports, "reported once");
        assertEquals(0, choose(8000, 4));
        assertEquals(5, g.chosen());
        assertEquals(0, g.faults());
    }

    @Test
    void indexesThePolicyDoesNotOwnAreFaults() {
        int[] answer = {0};
        Deployment d = bad.deploy(hook, in -> answer[0], 2, 3);  // owns hook choices 2 and 3 only
        answer[0] = 0;
        assertEquals(2, choose(7000, 4), "index 0 is the first owned executor");
        answer[0] = 1;
        assertEquals(3, choose(7000, 4));
        answer[0] = 2;
        assertEquals(MatchingPolicy.PASS, choose(7000, 4), "beyond its executors");
        answer[0] = -7;
        assertEquals(MatchingPolicy.PASS, choose(7000, 4), "neither PASS nor DROP");
        answer[0] = 1;
        assertEquals(MatchingPolicy.PASS, choose(7000, 3), "its executor 3 is not at this hook now");
        assertEquals(3, d.faults());
        assertNull(d.lastFault(), "no exception, just bad answers");
        answer[0] = MatchingPolicy.DROP;
        assertEquals(MatchingPolicy.DROP, choose(7000, 4));
        assertEquals(2, d.chosen());
        assertEquals(1, d.dropped());
    }

    @Test
    void aPolicyReadingAMapItNeverDeclaredFaults() {
        Deployment d = bad.deploy(hook, in -> (int) in.map(0).get(1));
        assertEquals(MatchingPolicy.PASS, choose(7000, 4));
        assertInstanceOf(ArrayIndexOutOfBoundsException.class, d.lastFault());
    }

    @Test
    void aThrowingListenerIsCountedAndDoesNotStopRemoval() {
        tenants.addRemovalListener((dep, t) -> { throw new RuntimeException("listener bug"); });
        Deployment d = bad.deploy(hook, new Thrower());
        for (int i = 0; i < 5; i++) assertEquals(MatchingPolicy.PASS, choose(7000, 4));
        assertEquals(Deployment.State.FAULTED, d.state());
        assertEquals(1, tenants.listenerFaults());
        assertEquals(1, reports.size());
    }

    @Test
    void inAPipelineAFaultySelectorPolicyLosesNoPacket() {
        PolicyHook rx = tenants.hook("rx", HookKind.RX_QUEUE);
        bad.deploy(rx, new Thrower());
        good.deploy(rx, in -> MatchingPolicy.DROP);
        CoroutineQueue q0 = new CoroutineQueue("q0", 64), q1 = new CoroutineQueue("q1", 64);
        PassLayers layers = new PassLayers();
        Pipeline pl = PipelineBuilder.rx("faulty", layers)
                .queue(new QueueHook(rx, 2, p -> 1), q0, q1).eth().ip().l4().socket().build();
        Coroutines cos = new Coroutines(pool);
        for (int i = 0; i < 10; i++) {
            cos.of(Packets.copy(pool, Frame.udp().from(PEER).to(US).ports(5, 7000).payload(new byte[3]).build()))
                    .start(pl, LayerContext.at(0));
            cos.of(Packets.copy(pool, Frame.udp().from(PEER).to(US).ports(5, 8000).payload(new byte[3]).build()))
                    .start(pl, LayerContext.at(0));
        }
        assertEquals(0, q0.depth());
        assertEquals(10, q1.depth(), "the faulty tenant's packets took the default queue");
        assertEquals(10, pl.drops().get(DropReason.POLICY_DROP), "the other tenant's DROPs, named as such");
        assertEquals(0, pl.drops().get(DropReason.EXTENSION_FAULT));
        assertEquals(0, pl.drops().get(DropReason.SELECTOR_RANGE));
        while (q1.depth() > 0) q1.poll(0).resume(LayerContext.at(0));
        assertEquals(10, layers.delivered.get());
    }
}
