package io.flexnet.socket;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.policy.Requests;
import io.flexnet.packet.DropReason;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.PolicyInput;
import io.flexnet.policy.RequestHeader;
import io.flexnet.policy.RoundRobinPolicy;
import io.flexnet.policy.ScanAvoid;
import io.flexnet.policy.Sita;
import io.flexnet.policy.Tenant;
import io.flexnet.policy.Tenants;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several sockets on one port: Linux's hash by default, a tenant's matching policy when deployed. */
class PortGroupTest {
    static final int PORT = 9000;

    private static UdpSocket[] group(Sockets sockets, int n) {
        UdpSocket[] s = new UdpSocket[n];
        for (int i = 0; i < n; i++) s[i] = sockets.open(1024).reusePort(true).bind(PORT).mode(RecvMode.NON_BLOCKING);
        return s;
    }

    /** Which socket holds the next datagram (reading it). */
    private static int whoGot(UdpSocket[] s) {
        for (int i = 0; i < s.length; i++) {
            if (s[i].receive(new byte[64], 0, 64, null) >= 0) return i;
        }
        return -1;
    }

    private static byte[] request(int type) { return Requests.request(1, type, 3, 1, 0); }

    @Test
    void byDefaultEachFlowStaysOnOneSocketPickedByTheScaledFlowHash() {
        try (StackHarness h = new StackHarness()) {
            UdpSocket[] s = group(new Sockets(h.stack), 4);
            int[] per = new int[4];
            Map<Integer, Integer> flowTo = new HashMap<>();
            for (int round = 0; round < 3; round++) {
                for (int flow = 0; flow < 200; flow++) {
                    h.receive(20_000 + flow, PORT, new byte[4]);
                    int got = whoGot(s);
                    Integer before = flowTo.putIfAbsent(flow, got);
                    if (before != null) assertEquals(before, got, "flow " + flow + " moved");
                    int hash = PolicyInput.tupleHash(PEER.ip(), US.ip(), 20_000 + flow, PORT, 17);
                    assertEquals(MatchingPolicy.scale(hash, 4), got, "reciprocal_scale(flow hash, 4)");
                    per[got]++;
                }
            }
            for (int n : per) assertTrue(n > 60, java.util.Arrays.toString(per));
            for (UdpSocket x : s) x.close();
        }
    }

    @Test
    void aTenantsRoundRobinAtTheSocketHookBalancesOneFlowOverAllSockets() {
        try (StackHarness h = new StackHarness(); Tenants tenants = new Tenants()) {
            Tenant kv = tenants.register("kv", PORT);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            Sockets sockets = new Sockets(h.stack).socketHook(hook);
            UdpSocket[] s = group(sockets, 3);
            kv.deploy(hook, new RoundRobinPolicy());
            for (int i = 0; i < 9; i++) {
                h.receive(40_000, PORT, new byte[4]);  // one flow: the hash would pin it to one socket
                assertEquals(i % 3, whoGot(s));
            }
            assertEquals(9, sockets.group(PORT).byPolicy());
            kv.remove(hook);
            h.receive(40_000, PORT, new byte[4]);
            assertEquals(1, sockets.group(PORT).byHash(), "removed: back to the hash");
            whoGot(s);
            for (UdpSocket x : s) x.close();
        }
    }

    @Test
    void sitaAtTheSocketHookKeepsShortRequestsAwayFromTheScanSocket() {
        try (StackHarness h = new StackHarness(); Tenants tenants = new Tenants()) {
            Tenant kv = tenants.register("kv", PORT);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            UdpSocket[] s = group(new Sockets(h.stack).socketHook(hook), 4);
            kv.deploy(hook, new Sita());
            for (int i = 0; i < 40; i++) {
                boolean scan = i % 10 == 0;
                h.receive(30_000 + i, PORT, request(scan ? RequestHeader.SCAN : RequestHeader.GET));
                int got = whoGot(s);
                assertEquals(scan, got == 0, "request " + i + " went to " + got);
            }
            for (UdpSocket x : s) x.close();
        }
    }

    @Test
    void scanAvoidUsesTheSocketsGroupIndexAsItsMapKey() {
        try (StackHarness h = new StackHarness(); Tenants tenants = new Tenants()) {
            Tenant kv = tenants.register("kv", PORT);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            UdpSocket[] s = group(new Sockets(h.stack).socketHook(hook), 3);
            kv.deploy(hook, new ScanAvoid());
            ScanAvoid.begin(kv.map(ScanAvoid.MAP), s[1].groupIndex());  // socket 1 serves a SCAN
            for (int i = 0; i < 12; i++) {
                h.receive(30_000, PORT, request(RequestHeader.GET));
                assertNotEquals(1, whoGot(s));
            }
            for (UdpSocket x : s) x.close();
        }
    }

    @Test
    void aPolicyDropIsCountedAtTheGroupAndItsSlotFreed() {
        try (StackHarness h = new StackHarness(); Tenants tenants = new Tenants()) {
            Tenant kv = tenants.register("kv", PORT);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            Sockets sockets = new Sockets(h.stack).socketHook(hook);
            UdpSocket[] s = group(sockets, 2);
            kv.deploy(hook, in -> in.payloadLength() > 10 ? MatchingPolicy.DROP : 1);
            h.receive(1, PORT, new byte[20]);
            h.receive(1, PORT, new byte[5]);
            assertEquals(1, sockets.group(PORT).drops().get(DropReason.POLICY_DROP));
            assertEquals(0, s[0].queued());
            assertEquals(1, s[1].queued());
            assertEquals(1, h.pool.inUse(), "the dropped datagram's slot is back");
            for (UdpSocket x : s) x.close();
        }
    }

    @Test
    void anotherTenantsPolicyNeverChoosesForThisPort() {
        try (StackHarness h = new StackHarness(); Tenants tenants = new Tenants()) {
            tenants.register("kv", PORT);
            Tenant other = tenants.register("other", PORT + 1);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            Sockets sockets = new Sockets(h.stack).socketHook(hook);
            UdpSocket[] s = group(sockets, 2);
            int[] calls = {0};
            other.deploy(hook, in -> {
                calls[0]++;
                return 0;
            });
            for (int i = 0; i < 20; i++) {
                h.receive(10_000 + i, PORT, new byte[4]);
                whoGot(s);
            }
            assertEquals(0, calls[0]);
            assertEquals(20, sockets.group(PORT).byHash());
            assertEquals(20, hook.undeployed(), "kv owns the port but deployed nothing");
            for (UdpSocket x : s) x.close();
        }
    }

    @Test
    void aMemberLeavingShiftsIndexesAndTrafficGoesOnToTheRest() {
        try (StackHarness h = new StackHarness(); Tenants tenants = new Tenants()) {
            Tenant kv = tenants.register("kv", PORT);
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            Sockets sockets = new Sockets(h.stack).socketHook(hook);
            UdpSocket[] s = group(sockets, 3);
            kv.deploy(hook, new RoundRobinPolicy());
            s[0].close();
            assertEquals(0, s[1].groupIndex());
            assertEquals(1, s[2].groupIndex());
            UdpSocket[] rest = {s[1], s[2]};
            for (int i = 0; i < 6; i++) {
                h.receive(1, PORT, new byte[4]);
                assertTrue(whoGot(rest) >= 0);
            }
            assertEquals(3, s[1].received());
            assertEquals(3, s[2].received());
            s[1].close();
            s[2].close();
            h.receive(1, PORT, new byte[4]);
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.NO_SOCKET), "port closed with its last socket");
        }
    }
}
