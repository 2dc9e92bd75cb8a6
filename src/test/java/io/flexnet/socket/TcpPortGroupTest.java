package io.flexnet.socket;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.policy.HookKind;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.PolicyInput;
import io.flexnet.policy.RoundRobinPolicy;
import io.flexnet.policy.Tenant;
import io.flexnet.policy.Tenants;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.RealRuntime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Listening sockets sharing a port: Linux's tuple hash by default, a tenant's policy when deployed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpPortGroupTest {
    static final int PORT = 8080;

    final FakeTransport transport = new FakeTransport(1024);

    static TcpListenSocket[] group(TcpSockets tcp, int n, int backlog) {
        TcpListenSocket[] s = new TcpListenSocket[n];
        for (int i = 0; i < n; i++) s[i] = tcp.openListener().reusePort(true).mode(RecvMode.NON_BLOCKING).listen(PORT, backlog);
        return s;
    }

    /** Which member holds the next connection (accepting it). */
    static int whoGot(TcpListenSocket[] s) {
        for (int i = 0; i < s.length; i++) if (s[i].accept() != null) return i;
        return -1;
    }

    @Test
    void byDefaultEachConnectionGoesToTheMemberItsTupleHashScalesTo() {
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        TcpListenSocket[] s = group(tcp, 4, 64);
        int[] per = new int[4];
        for (int i = 0; i < 200; i++) {
            int clientPort = 30_000 + i;
            transport.connectFrom(clientPort, PORT);
            int got = whoGot(s);
            int hash = PolicyInput.tupleHash(FakeTransport.PEER_IP, FakeTransport.LOCAL_IP, clientPort, PORT, 6);
            assertEquals(MatchingPolicy.scale(hash, 4), got, "reciprocal_scale(tuple hash, 4)");
            per[got]++;
        }
        for (int n : per) assertTrue(n > 20, java.util.Arrays.toString(per));
        assertEquals(200, tcp.group(PORT).byHash());
        assertEquals(4, tcp.group(PORT).size());
    }

    @Test
    void aTenantsPolicyAtTheSocketHookChoosesTheAcceptingSocket() {
        try (Tenants tenants = new Tenants()) {
            Tenant web = tenants.register("web", PORT);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE).socketHook(hook);
            TcpListenSocket[] s = group(tcp, 3, 64);
            web.deploy(hook, new RoundRobinPolicy());
            for (int i = 0; i < 9; i++) {
                transport.connectFrom(40_000, PORT);  // one tuple: the hash would pin every one to one socket
                assertEquals(i % 3, whoGot(s));
            }
            assertEquals(9, tcp.group(PORT).byPolicy());
            // The policy sees the SYN's tuple: the peer as source, our port as destination, TCP.
            web.deploy(hook, in -> in.srcPort() == 40_001 && in.dstPort() == PORT && in.protocol() == 6
                    && in.payloadLength() == 0 ? 2 : 0);
            transport.connectFrom(40_001, PORT);
            assertEquals(2, whoGot(s));
        }
    }

    @Test
    void aPolicyDropResetsTheConnectionAndIsCounted() {
        try (Tenants tenants = new Tenants()) {
            Tenant web = tenants.register("web", PORT);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE).socketHook(hook);
            TcpListenSocket[] s = group(tcp, 2, 64);
            web.deploy(hook, in -> in.srcPort() % 2 == 1 ? MatchingPolicy.DROP : MatchingPolicy.PASS);
            FakeStream odd = transport.connectFrom(50_001, PORT);
            FakeStream even = transport.connectFrom(50_002, PORT);
            assertEquals(TcpState.CLOSED, odd.state(), "refused: reset");
            assertEquals(TcpState.ESTABLISHED, even.state());
            assertEquals(1, tcp.group(PORT).policyDrops());
            assertEquals(1, tcp.group(PORT).byHash(), "PASS falls back to the hash");
            assertTrue(whoGot(s) >= 0);
            assertEquals(-1, whoGot(s));
        }
    }

    @Test
    void anotherTenantsPortIsNotItsPolicysBusiness() {
        try (Tenants tenants = new Tenants()) {
            Tenant other = tenants.register("other", 9999);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE).socketHook(hook);
            TcpListenSocket[] s = group(tcp, 2, 64);
            other.deploy(hook, in -> MatchingPolicy.DROP);
            transport.connectFrom(50_003, PORT);
            assertTrue(whoGot(s) >= 0, "PORT has no owner: the hash places it");
            assertEquals(0, tcp.group(PORT).policyDrops());
            assertEquals(1, hook.unowned());
        }
    }

    @Test
    void aFullAcceptQueueResetsTheNewConnectionAndCountsIt() {
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        TcpListenSocket l = tcp.openListener().mode(RecvMode.NON_BLOCKING).listen(PORT, 2);
        FakeStream a = transport.connectFrom(1, PORT), b = transport.connectFrom(2, PORT), c = transport.connectFrom(3, PORT);
        assertEquals(TcpState.ESTABLISHED, a.state());
        assertEquals(TcpState.ESTABLISHED, b.state());
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(1, tcp.group(PORT).queueFull());
        assertEquals(2, l.queued());
        assertNotNull(l.accept());
        assertNotNull(l.accept());
        assertNull(l.accept());
        assertEquals(2, l.accepted());
    }

    @Test
    void closingTheLastMemberResetsWhatWasNotAcceptedAndFreesThePort() {
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        TcpListenSocket[] s = group(tcp, 2, 8);
        for (int i = 0; i < 6; i++) transport.connectFrom(60_000 + i, PORT);
        int queued = s[0].queued() + s[1].queued();
        assertEquals(6, queued);
        s[0].close();
        assertEquals(1, tcp.group(PORT).size());
        s[1].close();
        assertEquals(6, s[0].resetAtClose() + s[1].resetAtClose());
        assertNull(tcp.group(PORT));
        assertEquals(TcpState.CLOSED, transport.connectFrom(60_100, PORT).state(), "nobody listens: refused");
        TcpListenSocket again = tcp.openListener().listen(PORT, 8);
        assertEquals(PORT, again.localPort());
    }

    @Test
    void aSocketWithoutReusePortCannotJoin() {
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        tcp.openListener().reusePort(true).listen(PORT, 8);
        TcpListenSocket late = tcp.openListener();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> late.listen(PORT, 8));
        assertTrue(e.getMessage().contains("reusePort"), e.getMessage());
        assertThrows(IllegalStateException.class, late::accept, "a refused listen leaves it not listening");
        assertEquals(PORT + 1, late.listen(PORT + 1, 8).localPort(), "and free to listen elsewhere");
        assertThrows(IllegalArgumentException.class, () -> tcp.openListener().listen(0, 8));
    }

    @Test
    void aBlockedAcceptWakesForANewConnectionAndForClose() throws Exception {
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        TcpListenSocket l = tcp.openListener().listen(PORT, 8);
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> l.accept());
        io.flexnet.nic.Await.until(java.time.Duration.ofSeconds(20), () -> l.sleepers() == 1, () -> "not asleep");
        transport.connectFrom(7000, PORT);
        TcpSocket got = first.get(20, TimeUnit.SECONDS);
        assertEquals(7000, got.remotePort());
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> l.accept());
        io.flexnet.nic.Await.until(java.time.Duration.ofSeconds(20), () -> l.sleepers() == 1, () -> "not asleep");
        l.close();
        assertNull(second.get(20, TimeUnit.SECONDS));
    }
}
