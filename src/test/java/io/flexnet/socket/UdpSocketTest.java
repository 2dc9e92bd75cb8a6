package io.flexnet.socket;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Checksum;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UdpSocketTest {
    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + 1);
        return b;
    }

    @Test
    void receivesADatagramWithItsSendersAddressAndReleasesTheSlot() {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000).mode(RecvMode.NON_BLOCKING);
            h.receive(40_000, 9000, bytes(30));
            assertEquals(1, s.queued());
            byte[] buf = new byte[100];
            Peer from = new Peer();
            assertEquals(30, s.receive(buf, 5, 95, from));
            assertArrayEquals(bytes(30), java.util.Arrays.copyOfRange(buf, 5, 35));
            assertEquals(PEER.ip(), from.ip);
            assertEquals(40_000, from.port);
            assertEquals(30, from.length);
            assertEquals(0, h.pool.inUse(), "receive released the slot after copying");
            assertEquals(UdpSocket.WOULD_BLOCK, s.receive(buf, 0, 100, from));
            assertEquals(1, s.received());
            s.close();
        }
    }

    @Test
    void aShortBufferTakesThePrefixAndTheDatagramIsGone() {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000).mode(RecvMode.NON_BLOCKING);
            h.receive(1, 9000, bytes(50));
            byte[] buf = new byte[10];
            Peer from = new Peer();
            assertEquals(10, s.receive(buf, 0, 10, from));
            assertEquals(50, from.length);
            assertArrayEquals(java.util.Arrays.copyOf(bytes(50), 10), buf);
            assertEquals(UdpSocket.WOULD_BLOCK, s.receive(buf, 0, 10, from));
            s.close();
        }
    }

    @Test
    void receivesIntoAMemorySegment() {
        try (StackHarness h = new StackHarness(); Arena arena = Arena.ofConfined()) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000);
            h.receive(1, 9000, bytes(20));
            MemorySegment dst = arena.allocate(64);
            assertEquals(20, s.receive(dst, null, 0));
            assertArrayEquals(bytes(20), dst.asSlice(0, 20).toArray(ValueLayout.JAVA_BYTE));
            s.close();
        }
    }

    @Test
    void aFullReceiveQueueRefusesAndSocketRcvCountsSocketFull() {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open(4).bind(9000).mode(RecvMode.NON_BLOCKING);
            for (int i = 0; i < 10; i++) h.receive(1, 9000, bytes(8));
            assertEquals(4, s.queued());
            assertEquals(6, s.receiveFull());
            assertEquals(6, h.stack.socketRcv().drops().get(DropReason.SOCKET_FULL));
            assertEquals(4, h.pool.inUse(), "refused datagrams' slots went back");
            s.close();
            assertEquals(4, s.drops().get(DropReason.SHUTDOWN), "queued at close: counted and freed");
            assertEquals(0, h.pool.inUse());
        }
    }

    /** Waits until {@code t} sleeps in the socket, proving the receiver is parked, not spinning. */
    private static void awaitSleeping(Thread t, UdpSocket s) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(s.sleepers() == 1 && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING))) {
            assertTrue(System.nanoTime() < deadline, "receiver never went to sleep: " + t.getState());
            Thread.sleep(1);
        }
    }

    @Test
    void aBlockingReceiverSleepsUntilADatagramArrivesAndIsWokenByTheDeliveringThread() throws Exception {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000);
            AtomicInteger got = new AtomicInteger(Integer.MIN_VALUE);
            Peer from = new Peer();
            Thread reader = new Thread(() -> got.set(s.receive(new byte[64], 0, 64, from)), "reader");
            reader.start();
            awaitSleeping(reader, s);
            Thread.sleep(20);
            assertEquals(Integer.MIN_VALUE, got.get(), "nothing returned before arrival");
            assertEquals(Thread.State.WAITING, reader.getState(), "parked without a timeout: no polling");
            h.receive(41_000, 9000, bytes(12));  // this thread delivers, and wakes it
            reader.join(10_000);
            assertFalse(reader.isAlive(), "woken on arrival");
            assertEquals(12, got.get());
            assertEquals(41_000, from.port);
            s.close();
        }
    }

    @Test
    void manySleepingReceiversEachGetOneDatagram() throws Exception {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000);
            int readers = 4;
            AtomicInteger total = new AtomicInteger();
            Thread[] ts = new Thread[readers];
            for (int i = 0; i < readers; i++) {
                ts[i] = new Thread(() -> total.addAndGet(s.receive(new byte[64], 0, 64, null)));
                ts[i].start();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (s.sleepers() < readers) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(1);
            }
            for (int i = 0; i < readers; i++) h.receive(1, 9000, bytes(10 + i));
            for (Thread t : ts) t.join(10_000);
            for (Thread t : ts) assertFalse(t.isAlive(), "every reader woken");
            assertEquals(10 + 11 + 12 + 13, total.get());
            s.close();
        }
    }

    @Test
    void aTimedReceiveGivesUpAndCloseWakesASleeper() throws Exception {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000);
            long t0 = System.nanoTime();
            assertEquals(UdpSocket.WOULD_BLOCK, s.receive(new byte[8], 0, 8, null, 20_000_000));
            assertTrue(System.nanoTime() - t0 >= 20_000_000);
            AtomicInteger got = new AtomicInteger(Integer.MIN_VALUE);
            Thread reader = new Thread(() -> got.set(s.receive(new byte[8], 0, 8, null)));
            reader.start();
            awaitSleeping(reader, s);
            s.close();
            reader.join(10_000);
            assertEquals(UdpSocket.CLOSED, got.get());
            assertNull(h.stack.ports().get(9000), "closing unbound the port");
        }
    }

    @Test
    void busyPollSpinsForItsBudgetThenSleeps() throws Exception {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000).mode(RecvMode.BUSY_POLL).busyPollNanos(1_000_000);
            h.receive(1, 9000, bytes(5));
            assertEquals(5, s.receive(new byte[8], 0, 8, null));
            AtomicInteger got = new AtomicInteger(Integer.MIN_VALUE);
            Thread reader = new Thread(() -> got.set(s.receive(new byte[8], 0, 8, null)));
            reader.start();
            awaitSleeping(reader, s);  // the 1 ms of spinning is over: it sleeps like a blocking reader
            h.receive(1, 9000, bytes(6));
            reader.join(10_000);
            assertEquals(6, got.get());
            s.close();
        }
    }

    @Test
    void sendToBuildsAValidUdpDatagramOnTheStacksSendPath() {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000);
            assertEquals(25, s.sendTo(bytes(25), 0, 25, PEER.ip(), 5555));
            Packet out = h.sent.poll();
            assertNotNull(out);
            byte[] f = out.toBytes();
            out.release();
            ByteBuffer b = ByteBuffer.wrap(f);
            assertEquals(PEER.mac(), (long) (b.getShort(0) & 0xFFFF) << 32 | (b.getInt(2) & 0xFFFFFFFFL), "to the neighbour's MAC");
            assertEquals(0x0800, b.getShort(12) & 0xFFFF);
            assertEquals(0xFFFF, Checksum.fold(Checksum.sum(MemorySegment.ofArray(f), 14, 20, 0)), "IPv4 header checksum verifies");
            assertEquals(US.ip(), b.getInt(26));
            assertEquals(PEER.ip(), b.getInt(30));
            assertEquals(17, b.get(23));
            assertEquals(9000, b.getShort(34) & 0xFFFF);
            assertEquals(5555, b.getShort(36) & 0xFFFF);
            assertEquals(8 + 25, b.getShort(38) & 0xFFFF);
            long acc = Checksum.pseudoHeader(US.ip(), PEER.ip(), 17, 33);
            assertEquals(0xFFFF, Checksum.fold(Checksum.sum(MemorySegment.ofArray(f), 34, 33, acc)), "UDP checksum verifies");
            assertArrayEquals(bytes(25), java.util.Arrays.copyOfRange(f, 42, 67));
            assertEquals(1, s.sent());
            s.close();
        }
    }

    @Test
    void connectSetsTheDefaultDestinationAndAnUnboundSocketGetsAnEphemeralPort() {
        try (StackHarness h = new StackHarness()) {
            UdpSocket s = new Sockets(h.stack).open().connect(PEER.ip(), 7777);
            int port = s.localPort();
            assertTrue(port >= Sockets.EPHEMERAL_FIRST && port <= Sockets.EPHEMERAL_LAST, "port " + port);
            assertEquals(3, s.send(bytes(3), 0, 3));
            Packet out = h.sent.poll();
            ByteBuffer b = ByteBuffer.wrap(out.toBytes());
            out.release();
            assertEquals(port, b.getShort(34) & 0xFFFF);
            assertEquals(7777, b.getShort(36) & 0xFFFF);
            assertNotNull(h.stack.ports().get(port), "replies can come back to it");
            s.close();
        }
    }

    @Test
    void sendingWithNoFreeSlotFailsAndIsCounted() {
        try (StackHarness h = new StackHarness(4)) {
            UdpSocket s = new Sockets(h.stack).open().bind(9000);
            Packet[] hold = new Packet[4];
            for (int i = 0; i < 4; i++) hold[i] = h.pool.allocate();
            assertEquals(UdpSocket.WOULD_BLOCK, s.sendTo(bytes(4), 0, 4, PEER.ip(), 1));
            assertEquals(1, s.drops().get(DropReason.POOL_EMPTY));
            for (Packet p : hold) p.release();
            assertThrows(IllegalArgumentException.class, () -> s.sendTo(new byte[1473], 0, 1473, PEER.ip(), 1),
                    "1500 - 20 - 8 = 1472 bytes fit one datagram");
            s.close();
        }
    }

    @Test
    void aPortIsSharedOnlyWhenEverySocketAsksForIt() {
        try (StackHarness h = new StackHarness()) {
            Sockets sockets = new Sockets(h.stack);
            UdpSocket a = sockets.open().bind(9000);
            assertThrows(IllegalStateException.class, () -> sockets.open().bind(9000));
            assertThrows(IllegalStateException.class, () -> sockets.open().reusePort(true).bind(9000));
            a.close();
            UdpSocket b = sockets.open().reusePort(true).bind(9000);
            UdpSocket c = sockets.open().reusePort(true).bind(9000);
            assertEquals(2, sockets.group(9000).size());
            assertThrows(IllegalStateException.class, () -> sockets.open().bind(9000));
            b.close();
            c.close();
            assertNull(sockets.group(9000));
            assertNull(h.stack.ports().get(9000));
        }
    }

    @Test
    void listing4RunsSocketSendOnTheSenderAndTheRestOnAStackCore() throws Exception {
        try (StackHarness h = new StackHarness()) {
            CoroutineQueue txq = new CoroutineQueue("tx", 64);
            Pipeline tx = PipelineBuilder.tx("listing4", h::layer).socket().queue(p -> 0, txq).l4().ip().eth().build();
            Sockets sockets = new Sockets(h.stack, Sockets.pipeline(tx, new Coroutines(h.pool), h.stack));
            UdpSocket s = sockets.open().bind(9000);
            for (int i = 0; i < 5; i++) assertEquals(10, s.sendTo(bytes(10), 0, 10, PEER.ip(), 6000 + i));
            assertEquals(5, txq.depth(), "socket_send ran here, the coroutines wait for a stack core");
            assertTrue(h.sent.isEmpty());
            Thread core = new Thread(() -> {
                for (io.flexnet.pipeline.Coroutine co; (co = txq.poll(0)) != null; ) co.resume(LayerContext.at(0));
            }, "stack-core");
            core.start();
            core.join(10_000);
            assertEquals(5, h.sent.size());
            for (String t : h.sentBy) assertEquals("stack-core", t);
            int port = 6000;
            for (Packet p : h.sent) assertEquals(port++, ByteBuffer.wrap(p.toBytes()).getShort(36) & 0xFFFF);
            s.close();
        }
    }
}
