// The echo server's pipeline on the in-memory NIC: replies built in place, closed ports refused, slots returned.
package io.flexnet.serve;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.nic.Await;
import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.Bytes;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.NetConfig;
import io.flexnet.runtime.RealRuntime;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EchoServerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** The stack on an in-memory NIC whose transmitted frames the test collects as bytes. */
    private static final class Rig implements AutoCloseable {
        final PacketPool pool = new PacketPool(64);
        final InMemoryNic nic = new InMemoryNic(pool, 1);
        final EchoServer server;
        final List<byte[]> sent = new ArrayList<>();

        Rig(boolean busyPoll) {
            server = new EchoServer(nic, new NetConfig(US.mac(), US.ip(), 24, 0, 1500), 7, busyPoll,
                    RealRuntime.INSTANCE);
            server.start();
            // The peer introduces itself as the kernel would before its first datagram.
            nic.inject(Frame.arpRequest().from(PEER).to(US).build());
            byte[] reply = next();
            assertEquals(Frame.ETHERTYPE_ARP, Bytes.u16(java.lang.foreign.MemorySegment.ofArray(reply), 12));
        }

        /** The next frame the stack transmits. */
        byte[] next() {
            Await.until(WAIT, () -> {
                nic.drainTx(0, (q, p) -> sent.add(p.toBytes()), 16);
                return !sent.isEmpty();
            }, () -> "nothing transmitted; drops " + server.engine().dropsByReason());
            return sent.removeFirst();
        }

        @Override
        public void close() throws InterruptedException {
            server.stop();
            nic.close();
            assertEquals(0, pool.inUse(), "slots not returned");
            pool.close();
        }
    }

    @Test
    void echoesDatagramFromTheSameSlotWithAddressesAndPortsSwapped() throws Exception {
        for (boolean busy : new boolean[] {false, true}) {
            try (Rig rig = new Rig(busy)) {
                byte[] payload = "echo me, byte for byte".getBytes(StandardCharsets.US_ASCII);
                rig.nic.inject(Frame.udp().from(PEER).to(US).ports(40001, 7).payload(payload).build());
                byte[] reply = rig.next();
                java.lang.foreign.MemorySegment s = java.lang.foreign.MemorySegment.ofArray(reply);
                assertEquals(PEER.mac(), Bytes.u48(s, 0));
                assertEquals(US.mac(), Bytes.u48(s, 6));
                assertEquals(US.ip(), Bytes.i32(s, 14 + 12));
                assertEquals(PEER.ip(), Bytes.i32(s, 14 + 16));
                assertEquals(17, Bytes.u8(s, 14 + 9));
                assertEquals(0, Checksum.compute(s, 14, 20), "IPv4 header checksum");
                assertEquals(7, Bytes.u16(s, 34));
                assertEquals(40001, Bytes.u16(s, 36));
                assertEquals(8 + payload.length, Bytes.u16(s, 38));
                assertEquals(0, Checksum.transport(s, 34, 8 + payload.length, US.ip(), PEER.ip(), 17), "UDP checksum");
                assertArrayEquals(payload, java.util.Arrays.copyOfRange(reply, 42, reply.length));
                assertEquals(1, rig.server.echo().counters().get("datagrams"));
                assertEquals(payload.length, rig.server.echo().counters().get("bytes"));
                assertEquals(Map.of(), rig.server.engine().dropsByReason());
            }
        }
    }

    @Test
    void refusesDatagramsFromServicePortsSoTwoEchoesCannotPingPongForEver() throws Exception {
        try (Rig rig = new Rig(false)) {
            // A spoofed datagram "from" another host's echo or chargen port: answering would start
            // an exchange between the two services that never ends.
            for (int port : new int[] {7, 19, 13, 37, 0}) {
                rig.nic.inject(Frame.udp().from(PEER).to(US).ports(port, 7).payload(new byte[8]).build());
            }
            rig.nic.inject(Frame.udp().from(PEER).to(US).ports(40003, 7).payload(new byte[8]).build());
            byte[] reply = rig.next();
            assertEquals(40003, Bytes.u16(java.lang.foreign.MemorySegment.ofArray(reply), 36), "only the client is answered");
            Thread.sleep(50);
            rig.nic.drainTx(0, (q, p) -> rig.sent.add(p.toBytes()), 16);
            assertEquals(List.of(), rig.sent, "nothing else was sent");
            assertEquals(Map.of("service-loop", 5L), rig.server.engine().dropsByReason());
            assertEquals(1, rig.server.echo().counters().get("datagrams"));
        }
    }

    @Test
    void answersOtherPortWithIcmpPortUnreachableQuotingTheDatagram() throws Exception {
        try (Rig rig = new Rig(false)) {
            byte[] request = Frame.udp().from(PEER).to(US).ports(40002, 9).payload(new byte[12]).build();
            rig.nic.inject(request);
            byte[] reply = rig.next();
            java.lang.foreign.MemorySegment s = java.lang.foreign.MemorySegment.ofArray(reply);
            assertEquals(1, Bytes.u8(s, 14 + 9), "ICMP");
            assertEquals(3, Bytes.u8(s, 34), "destination unreachable");
            assertEquals(3, Bytes.u8(s, 35), "port unreachable");
            // RFC 792: the original IP header and the first 8 bytes of its payload follow the ICMP header.
            assertArrayEquals(java.util.Arrays.copyOfRange(request, 14, 14 + 28),
                    java.util.Arrays.copyOfRange(reply, 42, 42 + 28));
            assertEquals(Map.of("no-socket", 1L), rig.server.engine().dropsByReason());
            assertEquals(0, rig.server.echo().counters().get("datagrams"));
        }
    }

    @Test
    void echoPipelineAllocatesNothingPerDatagram() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported(), "needs per-thread allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (PacketPool pool = new PacketPool(16)) {
            InMemoryNic nic = new InMemoryNic(pool, 1);
            // Not started: the test's thread runs each frame's coroutine itself, as a poller would.
            EchoServer server = new EchoServer(nic, new NetConfig(US.mac(), US.ip(), 24, 0, 1500), 7, false,
                    RealRuntime.INSTANCE);
            server.stack().arp().learn(PEER.ip(), PEER.mac());
            byte[] frame = Frame.udp().from(PEER).to(US).ports(40001, 7).payload(new byte[64]).build();
            for (int i = 0; i < 200_000; i++) echoOnce(server, nic, pool, frame);  // let the JIT compile the path
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) echoOnce(server, nic, pool, frame);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(300_000, server.echo().counters().get("datagrams"));
            assertEquals(300_000, nic.txPackets(0));
            // A few bytes of slack for the measurement itself; one object per datagram would be >= 1.6 MB.
            assertEquals(0, allocated / 100_000, allocated + " bytes for 100,000 datagrams");
            assertEquals(0, pool.inUse());
            nic.close();
        }
    }

    private static void echoOnce(EchoServer server, InMemoryNic nic, PacketPool pool, byte[] frame) {
        server.engine().start(server.pipeline(), pool.allocate(frame, 0, frame.length));
        nic.drainTx(0, (q, p) -> {}, 1);
    }

    @Test
    void reportNamesEveryStageAndTheDrops() throws Exception {
        try (Rig rig = new Rig(false)) {
            rig.nic.inject(Frame.icmpEcho().from(PEER).to(US).echo(1, 1).payload(new byte[8]).build());
            assertNotNull(rig.next());
            rig.nic.inject(new byte[10]);
            Await.until(WAIT, () -> rig.server.engine().totalDrops() == 1, rig.server::report);
            rig.server.stop();
            String report = rig.server.report();
            for (String want : new String[] {"eth_rcv   out=1 arp=1", "icmp      echo-answered=1", "udp echo",
                    "drops     truncated=1", "udp echo on port 7"}) {
                assertTrue(report.contains(want), "no '" + want + "' in\n" + report);
            }
        }
    }
}
