// The TAP driver against the Linux kernel as peer: frames both ways, checked byte by byte.
package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TapNicKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(3);

    @BeforeEach
    void needsKernelPeer() {
        NetNs.assumeAvailable();
    }

    @Test
    void receivesKernelArpRequestForUnknownNeighbour() {
        NetNs.assumeCommand("ping", "iputils-ping");
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool)) {
            long before = System.nanoTime();
            // The kernel must resolve 198.18.0.2 before it can send the echo request: it asks by ARP.
            try (Shell.Spawned ping = peer.spawn("ping", "-c", "1", "-W", "1", KernelPeer.STACK_IP)) {
                Packet p = peer.await(WAIT, f -> TapFrames.ethType(f) == TapFrames.ETHERTYPE_ARP);
                assertNotNull(p, "no ARP frame from the kernel; other frames: " + peer.skipped());
                long after = System.nanoTime();
                TapFrames.Arp arp = TapFrames.arp(p);
                assertNotNull(arp, "not ARP for IPv4 over Ethernet: " + TapFrames.describe(p));
                assertEquals(TapFrames.BROADCAST, arp.ethDst());
                assertEquals(peer.kernelMac(), arp.ethSrc());
                assertEquals(TapFrames.ARP_REQUEST, arp.oper());
                assertEquals(peer.kernelMac(), arp.senderMac());
                assertEquals(KernelPeer.kernelIp(), arp.senderIp());
                assertEquals(KernelPeer.stackIp(), arp.targetIp());
                // Padding to Ethernet's 60-byte minimum is a card driver's job and tun does none: 42 bytes or more.
                assertTrue(p.length >= 42, "frame length " + p.length);
                assertEquals(0, p.rxQueue);
                assertTrue(p.arrivalNanos >= before && p.arrivalNanos <= after, "arrival stamp not from the clock");
                assertEquals(pool.headroom(), p.offset, "frame not read at the slot's headroom");
                p.release();
            }
            assertEquals(0, peer.nic().drops().total(), peer.nic().drops().toString());
        }
    }

    @Test
    void kernelAnswersOurArpRequestAndLearnsOurMac() {
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool)) {
            byte[] request = TapFrames.arp(TapFrames.BROADCAST, TapFrames.ARP_REQUEST, KernelPeer.STACK_MAC,
                    KernelPeer.stackIp(), 0, KernelPeer.kernelIp());
            assertTrue(peer.send(request), "transmit refused: " + peer.nic().drops());

            Packet p = peer.await(WAIT, f -> {
                TapFrames.Arp a = TapFrames.arp(f);
                return a != null && a.oper() == TapFrames.ARP_REPLY;
            });
            assertNotNull(p, "no ARP reply from the kernel; other frames: " + peer.skipped());
            TapFrames.Arp reply = TapFrames.arp(p);
            p.release();
            assertEquals(KernelPeer.STACK_MAC, reply.ethDst());
            assertEquals(peer.kernelMac(), reply.ethSrc());
            assertEquals(peer.kernelMac(), reply.senderMac());
            assertEquals(KernelPeer.kernelIp(), reply.senderIp());
            assertEquals(KernelPeer.STACK_MAC, reply.targetMac());
            assertEquals(KernelPeer.stackIp(), reply.targetIp());

            // A request aimed at the kernel's address makes it note the asker (net/ipv4/arp.c, arp_process).
            String neigh = peer.ns().ip("neigh", "show", KernelPeer.STACK_IP, "dev", peer.ifname()).orFail().stdout();
            assertTrue(neigh.contains("lladdr " + TapFrames.macText(KernelPeer.STACK_MAC)), "neighbour table: " + neigh);
            assertEquals(1, peer.nic().stats().get("tx-frames"));
            assertEquals(request.length, peer.nic().stats().get("tx-bytes"));
        }
    }

    @Test
    void kernelAnswersOurIcmpEchoRequest() {
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            byte[] payload = "flexnet echo 0123456789".getBytes(StandardCharsets.US_ASCII);
            assertTrue(peer.send(TapFrames.echoRequest(KernelPeer.STACK_MAC, peer.kernelMac(), KernelPeer.stackIp(),
                    KernelPeer.kernelIp(), 0x1234, 7, payload)));

            Packet p = peer.await(WAIT, f -> TapFrames.echo(f) != null);
            assertNotNull(p, "no echo reply from the kernel; other frames: " + peer.skipped());
            TapFrames.Echo echo = TapFrames.echo(p);
            p.release();
            assertEquals(TapFrames.ICMP_ECHO_REPLY, echo.type());
            assertEquals(KernelPeer.STACK_MAC, echo.ethDst());
            assertEquals(peer.kernelMac(), echo.ethSrc());
            assertEquals(KernelPeer.kernelIp(), echo.srcIp());
            assertEquals(KernelPeer.stackIp(), echo.dstIp());
            assertEquals(0x1234, echo.id());
            assertEquals(7, echo.seq());
            assertArrayEquals(payload, echo.payload());
            assertTrue(echo.ipChecksumOk() && echo.icmpChecksumOk(), "kernel's checksums do not verify");
        }
    }

    @Test
    void kernelSocketGetsOurHandBuiltUdpReply() {
        NetNs.assumeCommand("socat", "socat");
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            // socat sends its input as one datagram, then waits up to 1 s for an answer and prints it.
            try (Shell.Spawned socat = peer.spawnWithInput("ping from kernel\n",
                    "socat", "-t", "1", "-", "UDP:" + KernelPeer.STACK_IP + ":7")) {
                Packet p = peer.await(WAIT, f -> TapFrames.udp(f) != null);
                assertNotNull(p, "no datagram from socat; other frames: " + peer.skipped());
                TapFrames.Udp in = TapFrames.udp(p);
                p.release();
                assertEquals(KernelPeer.kernelIp(), in.srcIp());
                assertEquals(KernelPeer.stackIp(), in.dstIp());
                assertEquals(7, in.dstPort());
                assertEquals("ping from kernel\n", new String(in.payload(), StandardCharsets.US_ASCII));
                assertTrue(in.ipChecksumOk() && in.udpChecksumOk(), "kernel's checksums do not verify");

                assertTrue(peer.send(TapFrames.udp(KernelPeer.STACK_MAC, peer.kernelMac(), KernelPeer.stackIp(),
                        KernelPeer.kernelIp(), 7, in.srcPort(), "pong from stack\n".getBytes(StandardCharsets.US_ASCII))));
                Shell.Result r = socat.await(WAIT);
                assertEquals("pong from stack\n", r.stdout(), r.describe());
            }
        }
    }

    @Test
    void servesOneInterfaceWithTwoQueues() throws Exception {
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool, 2, 64)) {
            assertEquals(2, peer.nic().rxQueues());
            assertEquals(2, peer.nic().txQueues());
            // Each attached file is one kernel queue: the namespace's sysfs lists tx-0 and tx-1.
            String queues = peer.exec(Shell.QUICK, "ls", "/sys/class/net/" + peer.ifname() + "/queues").orFail().stdout();
            assertTrue(queues.contains("tx-0") && queues.contains("tx-1") && !queues.contains("tx-2"), queues);
            String flags = peer.exec(Shell.QUICK, "cat", Tun.sysfsFlags(peer.ifname())).orFail().stdout().trim();
            assertEquals(Tun.IFF_TAP | Tun.IFF_NO_PI | Tun.IFF_MULTI_QUEUE, Integer.decode(flags));

            peer.teachNeighbour();
            for (int txq = 0; txq < 2; txq++) {
                byte[] payload = ("queue " + txq).getBytes(StandardCharsets.US_ASCII);
                assertTrue(peer.send(txq, TapFrames.echoRequest(KernelPeer.STACK_MAC, peer.kernelMac(),
                        KernelPeer.stackIp(), KernelPeer.kernelIp(), 0x4242, txq, payload)));
                final int seq = txq;
                Packet p = peer.await(WAIT, f -> {
                    TapFrames.Echo e = TapFrames.echo(f);
                    return e != null && e.type() == TapFrames.ICMP_ECHO_REPLY && e.seq() == seq;
                });
                assertNotNull(p, "no reply to the request sent on queue " + txq + "; other frames: " + peer.skipped());
                assertTrue(p.rxQueue == 0 || p.rxQueue == 1, "rxQueue " + p.rxQueue);
                p.release();
            }
        }
    }

    @Test
    void kernelSpreadsFlowsOverBothQueues() {
        NetNs.assumeCommand("socat", "socat");
        int flows = 16;
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool, 2, 64)) {
            peer.teachNeighbour();
            // Sixteen datagrams, each from its own socket (so its own source port): sixteen flows, which
            // the kernel spreads over the queues by flow hash. All on one queue has odds 2^-15.
            peer.exec(Duration.ofSeconds(10), "sh", "-c", "for i in $(seq " + flows + "); do"
                    + " echo x | socat -t 0 - UDP:" + KernelPeer.STACK_IP + ":9; done").orFail();
            Await.until(WAIT, () -> peer.nic().stats().get("rx-frames") == flows, peer.nic().stats()::toString);
            int[] perQueue = new int[2];
            Packet[] out = new Packet[flows];
            for (int q = 0; q < 2; q++) {
                int n = peer.nic().receive(q, out, out.length);
                for (int i = 0; i < n; i++) {
                    assertEquals(q, out[i].rxQueue, "frame stamped with another queue than the one it came from");
                    assertNotNull(TapFrames.udp(out[i]), TapFrames.describe(out[i]));
                    out[i].release();
                }
                perQueue[q] = n;
            }
            assertEquals(flows, perQueue[0] + perQueue[1]);
            assertTrue(perQueue[0] > 0 && perQueue[1] > 0, "per queue: " + perQueue[0] + ", " + perQueue[1]);
        }
    }

    @Test
    void kernelIfaceIsRemovedAndReadersStopOnClose() {
        Thread[] readers;
        String ifname;
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool, 2, 64)) {
            ifname = peer.ifname();
            readers = readerThreads(ifname);
            assertEquals(2, readers.length, "one reader thread per queue");
            long start = System.nanoTime();
            peer.nic().close();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            for (Thread t : readers) assertTrue(!t.isAlive(), t.getName() + " still runs after close");
            assertTrue(tookMillis < 1000, "close took " + tookMillis + " ms");
            // The last file closed takes the non-persistent interface with it, even inside the namespace.
            Shell.Result show = peer.ns().ip("link", "show", "dev", ifname);
            assertTrue(!show.ok(), "interface survived close: " + show.stdout());
            assertTrue(!peer.send(new byte[60]), "transmit after close must be refused");
            assertEquals(1, peer.nic().drops().get(io.flexnet.packet.DropReason.SHUTDOWN));
            assertEquals(0, pool.inUse());
            peer.nic().close();  // idempotent
        }
        assertTrue(!Files.exists(Path.of("/sys/class/net/" + ifname)));
    }

    static Thread[] readerThreads(String ifname) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tap-" + ifname + "-rx"))
                .toArray(Thread[]::new);
    }
}
