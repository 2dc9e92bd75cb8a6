package io.flexnet.policy;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each built-in policy's choices, run through a real hook (the socket hook, after parsing). */
class BuiltInPoliciesTest {
    static final int PORT = 9000;

    private final PacketPool pool = new PacketPool(16);
    private final Tenants tenants = new Tenants();
    private final Tenant app = tenants.register("kv", PORT);
    private final PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);

    @AfterEach
    void close() {
        tenants.close();
        assertEquals(pool.capacity(), pool.available(), "every slot back");
        pool.close();
    }

    private int choose(int srcPort, byte[] payload, int choices) {
        Packet p = Packets.parsed(pool, Frame.udp().from(PEER).to(US).ports(srcPort, PORT).payload(payload).build());
        try {
            return hook.choose(p, choices);
        } finally {
            p.release();
        }
    }

    private int request(int type, int user, int choices) {
        return choose(40_000, Requests.request(1, type, 5, user, 0), choices);
    }

    @Test
    void fiveTupleHashKeepsAFlowOnOneExecutorAndScalesLikeLinux() {
        app.deploy(hook, new FiveTupleHash());
        Map<Integer, Integer> seen = new HashMap<>();
        int[] per = new int[6];
        for (int flow = 0; flow < 600; flow++) {
            int c = choose(10_000 + flow, new byte[4], 6);
            int again = choose(10_000 + flow, new byte[9], 6);
            assertEquals(c, again, "same flow, same executor");
            int h = PolicyInput.tupleHash(PEER.ip(), US.ip(), 10_000 + flow, PORT, 17);
            assertEquals((int) (((h & 0xFFFFFFFFL) * 6) >>> 32), c, "reciprocal_scale(hash, 6)");
            seen.put(flow, c);
            per[c]++;
        }
        for (int n : per) assertTrue(n > 50, "600 flows spread over 6: " + java.util.Arrays.toString(per));
    }

    @Test
    void roundRobinCyclesAndFollowsAShrinkingGroup() {
        app.deploy(hook, new RoundRobinPolicy());
        for (int i = 0; i < 12; i++) assertEquals(i % 4, request(RequestHeader.GET, 1, 4));
        assertEquals(0, request(RequestHeader.GET, 1, 3), "counter (4) beyond a shrunk group restarts at 0");
        assertEquals(1, request(RequestHeader.GET, 1, 3));
        assertEquals(0, request(RequestHeader.GET, 1, 2), "counter (2) beyond a group of 2");
        assertEquals(MatchingPolicy.PASS, request(RequestHeader.GET, 1, 0), "no executors: default");
    }

    @Test
    void sitaSendsScansToTheReservedExecutorAndRoundRobinsTheRest() {
        app.deploy(hook, new Sita());
        int[] gets = new int[4];
        for (int i = 0; i < 9; i++) {
            assertEquals(0, request(RequestHeader.SCAN, 1, 4));
            int c = request(i % 2 == 0 ? RequestHeader.GET : RequestHeader.PUT, 1, 4);
            assertNotEquals(0, c, "a short request never goes to the SCAN executor");
            gets[c]++;
        }
        assertArrayEquals(new int[] {0, 3, 3, 3}, gets);
        assertEquals(MatchingPolicy.PASS, choose(1, new byte[RequestHeader.TYPE], 4), "too short for a type");
        assertEquals(0, request(RequestHeader.GET, 1, 1), "one executor does everything");
    }

    @Test
    void sitaCanReserveAnyExecutor() {
        app.deploy(hook, new Sita(RequestHeader.PUT, 2));
        assertEquals(2, request(RequestHeader.PUT, 1, 3));
        assertEquals(0, request(RequestHeader.GET, 1, 3));
        assertEquals(1, request(RequestHeader.SCAN, 1, 3));
        assertEquals(0, request(RequestHeader.GET, 1, 3));
    }

    @Test
    void scanAvoidSkipsExecutorsTheApplicationMarksBusy() {
        app.deploy(hook, new ScanAvoid(8));
        PolicyMap busy = app.map(ScanAvoid.MAP);
        ScanAvoid.begin(busy, 1);
        ScanAvoid.begin(busy, 2);
        for (int i = 0; i < 8; i++) {
            int c = request(RequestHeader.GET, 1, 4);
            assertTrue(c == 0 || c == 3, "never a busy executor, got " + c);
        }
        ScanAvoid.end(busy, 2);
        boolean sawTwo = false;
        for (int i = 0; i < 8; i++) {
            int c = request(RequestHeader.GET, 1, 4);
            assertNotEquals(1, c);
            sawTwo |= c == 2;
        }
        assertTrue(sawTwo, "an executor that finished its SCAN is used again");
        for (int e = 0; e < 4; e++) ScanAvoid.begin(busy, e);
        int all = request(RequestHeader.GET, 1, 4);
        assertTrue(all >= 0 && all < 4, "all busy: still an executor");
    }

    @Test
    void tokenBasedSpendsTokensDropsWhenOutAndTheAgentGivesLeftoversToBestEffort() {
        app.deploy(hook, new TokenBased());
        PolicyMap tokens = app.map(TokenBased.MAP);
        int ls = 1, be = 2;
        TokenAgent agent = new TokenAgent(tokens, new int[] {ls}, new long[] {3}, be);
        assertEquals(0, agent.epoch());
        assertEquals(3, tokens.get(ls));
        assertEquals(0, tokens.get(be));
        assertEquals(MatchingPolicy.PASS, request(RequestHeader.GET, ls, 4));
        assertEquals(MatchingPolicy.DROP, request(RequestHeader.GET, be, 4), "no tokens, dropped");
        assertEquals(MatchingPolicy.DROP, request(RequestHeader.GET, 99, 4), "unknown user");
        assertFalse(tokens.contains(99), "an unknown user is not inserted by asking");
        assertEquals(2, agent.epoch(), "two LS tokens left over go to BE");
        assertEquals(3, tokens.get(ls));
        assertEquals(MatchingPolicy.PASS, request(RequestHeader.GET, be, 4));
        assertEquals(MatchingPolicy.PASS, request(RequestHeader.GET, be, 4));
        assertEquals(MatchingPolicy.DROP, request(RequestHeader.GET, be, 4));
        for (int i = 0; i < 3; i++) assertEquals(MatchingPolicy.PASS, request(RequestHeader.GET, ls, 4));
        assertEquals(MatchingPolicy.DROP, request(RequestHeader.GET, ls, 4));
        assertEquals(0, agent.epoch(), "LS spent everything: nothing for BE");
        assertEquals(0, tokens.get(be), "BE's balance is replaced, not hoarded");
        assertEquals(MatchingPolicy.DROP, choose(1, new byte[RequestHeader.USER + 3], 4), "no user id");
        Deployment d = app.deployment(hook);
        assertEquals(5, d.dropped(), "be, unknown, be, ls, no user");
        assertEquals(0, d.faults());
    }

    @Test
    void tokenBasedHandsAdmittedInputsToAnotherPolicy() {
        app.deploy(hook, new TokenBased(new RoundRobinPolicy(), 16));
        app.map(TokenBased.MAP).put(7, 10);
        assertEquals(0, request(RequestHeader.GET, 7, 3));
        assertEquals(1, request(RequestHeader.GET, 7, 3));
        assertEquals(2, request(RequestHeader.GET, 7, 3));
    }

    @Test
    void tokenAgentRefillsEveryPeriodOnItsOwnThread() throws Exception {
        app.deploy(hook, new TokenBased());
        PolicyMap tokens = app.map(TokenBased.MAP);
        TokenAgent agent = new TokenAgent(tokens, new int[] {1}, new long[] {5}, 2);
        try (AutoCloseable running = agent.start(io.flexnet.runtime.RealRuntime.INSTANCE, 1_000_000)) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (tokens.get(1) != 5 && System.nanoTime() < deadline) Thread.sleep(1);
            assertEquals(5, tokens.get(1));
            tokens.put(1, 0);  // spent
            while (tokens.get(1) != 5 && System.nanoTime() < deadline) Thread.sleep(1);
            assertEquals(5, tokens.get(1), "refilled by the next period");
        }
    }
}
