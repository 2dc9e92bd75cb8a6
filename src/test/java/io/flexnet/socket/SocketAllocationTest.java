package io.flexnet.socket;

import static io.flexnet.fixture.Hosts.US;
import static io.flexnet.fixture.Hosts.PEER;

import io.flexnet.fixture.Frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexnet.packet.Packet;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.RoundRobinPolicy;
import io.flexnet.policy.Tenants;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Delivering to a port group (with a policy choosing), receiving and sending allocate nothing per datagram. */
class SocketAllocationTest {
    @Test
    void deliverReceiveAndSendAllocateNothingPerDatagram() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported());
        try (StackHarness h = new StackHarness(); Tenants tenants = new Tenants()) {
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            tenants.register("kv", 9000).deploy(hook, new RoundRobinPolicy());
            Sockets sockets = new Sockets(h.stack.ports(), h.pool, Packet::release, 1472, h.stack.runtime()).socketHook(hook);
            UdpSocket a = sockets.open().reusePort(true).bind(9000).mode(RecvMode.NON_BLOCKING);
            UdpSocket b = sockets.open().reusePort(true).bind(9000).mode(RecvMode.NON_BLOCKING);
            byte[] frame = Frame.udp().from(PEER).to(US).ports(40_000, 9000).payload(new byte[64]).build();
            byte[] buf = new byte[128];
            Peer from = new Peer();
            for (int i = 0; i < 200_000; i++) round(h, frame, a, b, buf, from);
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) round(h, frame, a, b, buf, from);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(600_000, a.received() + b.received());
            assertEquals(0, allocated / 100_000, allocated + " bytes for 100,000 rounds");
            a.close();
            b.close();
        }
    }

    private static void round(StackHarness h, byte[] frame, UdpSocket a, UdpSocket b, byte[] buf, Peer from) {
        h.receive(frame);
        h.receive(frame);
        a.receive(buf, 0, buf.length, from);
        b.receive(buf, 0, buf.length, from);
        a.sendTo(buf, 0, 64, from.ip, from.port);
    }
}
