// The TAP read by its worker: frames stay in the kernel until received, poll(2) wakes the sleeper, checksum offload both ways.
package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.UdpHeader;
import io.flexnet.runtime.KernelWait;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waits here have no deadline of their own but the test's {@code @Timeout}: a wait that the arrival or
 * the wake-up did not end fails the test by running out its time, so nothing asserts how fast it was.
 */
@Timeout(30)
class TapNicWorkerReadTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    /** Longer than the test may run: only the event under test can end the wait. */
    private static final long FOREVER = 120_000_000_000L;
    private static final int PORT = 7;

    @BeforeEach
    void needsKernelPeer() {
        NetNs.assumeAvailable();
    }

    private static boolean isUdp(Packet p) { return Decoded.of(p).udp; }

    @Test
    void framesStayInTheKernelUntilTheWorkerReadsThem() throws Exception {
        NetNs.assumeCommand("socat", "socat");
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.openForWorkers(pool, 1, false)) {
            assertEquals(TapNic.RxMode.WORKER, peer.nic().rxMode());
            assertThrows(IllegalStateException.class, () -> peer.nic().rxCapacity(0));
            KernelWait wait = peer.nic().rxWait(0);
            assertNotNull(wait);
            assertFalse(peer.nic().rxPending(0));
            peer.teachNeighbour();
            try (Shell.Spawned socat = peer.spawnWithInput("hello\n", "socat", "-t", "1", "-", "UDP:" + KernelPeer.STACK_IP + ":" + PORT)) {
                // The sleeper wakes because the datagram is readable: nothing else could end this wait.
                while (!peer.nic().rxPending(0)) wait.await(FOREVER);
                assertEquals(0, pool.inUse(), "nothing is read before the worker reads");
                Packet p = peer.await(WAIT, TapNicWorkerReadTest::isUdp);
                assertNotNull(p, "no datagram; other frames: " + peer.skipped());
                Decoded d = Decoded.of(p);
                assertEquals("hello\n", new String(d.payload, StandardCharsets.US_ASCII));
                assertEquals(Packet.CSUM_NONE, p.csumVerdict, "without offload the kernel sends whole sums");
                assertTrue(d.l4ChecksumOk && d.ipChecksumOk);
                assertEquals(pool.headroom(), p.offset);
                p.release();
                assertTrue(peer.nic().stats().get("rx-frames") >= 1);
            }
        }
    }

    @Test
    void wakeEndsAWaitFromAnotherThread() throws Exception {
        try (PacketPool pool = new PacketPool(8); KernelPeer peer = KernelPeer.openForWorkers(pool, 2, false)) {
            for (int q = 0; q < 2; q++) {
                KernelWait wait = peer.nic().rxWait(q);
                CountDownLatch waiting = new CountDownLatch(1);
                Thread sleeper = Thread.ofPlatform().start(() -> {
                    waiting.countDown();
                    wait.await(FOREVER);
                });
                waiting.await();
                wait.wake();
                sleeper.join();  // the test's timeout, if wake() did not end the wait
                assertFalse(sleeper.isAlive());
            }
            // A wake-up before the wait ends the next one: a kick between a worker's last look and its sleep.
            peer.nic().rxWait(0).wake();
            peer.nic().rxWait(0).await(FOREVER);
        }
    }

    @Test
    void withOffloadKernelDatagramsArriveWithTheSumLeftPartial() throws Exception {
        NetNs.assumeCommand("socat", "socat");
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.openForWorkers(pool, 1, true)) {
            assertTrue(peer.nic().fillsChecksums());
            peer.teachNeighbour();
            try (Shell.Spawned socat = peer.spawnWithInput("partial\n", "socat", "-t", "1", "-", "UDP:" + KernelPeer.STACK_IP + ":" + PORT)) {
                Packet p = peer.await(WAIT, TapNicWorkerReadTest::isUdp);
                assertNotNull(p, "no datagram; other frames: " + peer.skipped());
                assertEquals(Packet.CSUM_PARTIAL, p.csumVerdict);
                assertEquals(UdpHeader.CHECKSUM_OFFSET, p.csumOffset);
                Decoded d = Decoded.of(p);
                // The field holds the pseudo-header's sum only, so the whole does not verify, as the kernel left it.
                assertFalse(d.l4ChecksumOk, "expected a partial sum: " + d);
                assertTrue(d.ipChecksumOk);
                p.release();
            }
        }
    }

    /**
     * A datagram whose UDP field holds only the pseudo-header's sum reaches a kernel socket when the
     * virtio header asks the kernel to finish it, and is dropped by the kernel without.
     */
    @Test
    void theKernelTakesOurPartialSumOnlyWhenTheHeaderSaysSo() throws Exception {
        NetNs.assumeCommand("socat", "socat");
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.openForWorkers(pool, 1, true)) {
            try (Shell.Spawned listener = peer.spawn("socat", "-u", "UDP-RECV:5555", "STDOUT")) {
                Await.until(WAIT, () -> peer.exec(Shell.QUICK, "ss", "-uln").stdout().contains(":5555"), () -> "no listener");
                Host us = new Host(KernelPeer.STACK_MAC, KernelPeer.stackIp());
                Host kernel = new Host(peer.kernelMac(), KernelPeer.kernelIp());
                assertTrue(peer.nic().transmit(0, partial(pool, us, kernel, "unmarked\n", false)));
                assertTrue(peer.nic().transmit(0, partial(pool, us, kernel, "finished by the kernel\n", true)));
                Shell.Result r = listener.await(WAIT);
                assertEquals("finished by the kernel\n", r.stdout(), r.describe());
            }
        }
    }

    /** A UDP frame to the kernel with the pseudo-header's folded sum in its field, marked partial or not. */
    private static Packet partial(PacketPool pool, Host from, Host to, String text, boolean marked) {
        byte[] f = Frame.udp().from(from).to(to).ports(40000, 5555)
                .payload(text.getBytes(StandardCharsets.US_ASCII)).build();
        Packet p = pool.allocate(f, 0, f.length);
        p.l4Offset = p.offset + 14 + 20;
        int ulen = f.length - 34;
        UdpHeader.checksum(p.segment(), p.l4Offset,
                Checksum.fold(Checksum.pseudoHeader(from.ip(), to.ip(), Ipv4Header.PROTO_UDP, ulen)));
        if (marked) {
            p.csumVerdict = Packet.CSUM_PARTIAL;
            p.csumOffset = UdpHeader.CHECKSUM_OFFSET;
        }
        return p;
    }

    @Test
    void closeAfterTheWorkerStoppedReadsNothingMore() {
        try (PacketPool pool = new PacketPool(8)) {
            KernelPeer peer = KernelPeer.openForWorkers(pool, 1, false);
            peer.close();
            Packet[] out = new Packet[4];
            assertEquals(0, peer.nic().receive(0, out, out.length));
            assertNull(out[0]);
            assertEquals(0, pool.inUse());
        }
    }
}
