package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;
import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.UdpHeader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The device's checksum verdict: vouched frames skip the software sums, others are always checked. */
class ChecksumVerdictTest {
    private static final int PORT = 2000;

    private static byte[] badUdpSum() {
        byte[] f = Frame.udp().from(PEER).to(US).ports(1000, PORT).payload(Frame.bytes(64)).build();
        f[60] ^= 0x40;  // a payload bit: only the UDP sum can tell
        return f;
    }

    private static byte[] badIpSum() {
        return Frame.udp().from(PEER).to(US).ports(1000, PORT).payload(Frame.bytes(64)).badIpChecksum().build();
    }

    private static void receive(Harness h, byte[] frame, int verdict) {
        Packet p = Packets.copy(h.pool, frame);
        p.csumVerdict = verdict;
        h.stack.receive(p);
    }

    @Test
    void aFrameTheDeviceCheckedIsNotSummedAgain() {
        for (int verdict : new int[] {Packet.CSUM_UNNECESSARY, Packet.CSUM_PARTIAL}) {
            try (Harness h = new Harness()) {
                Probe probe = new Probe(1);
                h.stack.ports().bind(PORT, probe);
                receive(h, badUdpSum(), verdict);
                receive(h, badIpSum(), verdict);
                assertEquals(2, probe.got.size(), "verdict " + verdict);
                assertEquals(0, h.stack.dropsByReason().size(), h.stack.dropsByReason().toString());
                probe.releaseAll();
            }
        }
    }

    @Test
    void aFrameNobodyVouchedForIsAlwaysChecked() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(1);
            h.stack.ports().bind(PORT, probe);
            // Vouched frames before and after must leave nothing behind that would let one through.
            SplittableRandom rnd = new SplittableRandom(20);
            int bad = 0, delivered = 0;
            for (int i = 0; i < 2_000; i++) {
                boolean vouched = rnd.nextBoolean();
                receive(h, rnd.nextBoolean() ? badUdpSum() : badIpSum(), vouched ? Packet.CSUM_UNNECESSARY : Packet.CSUM_NONE);
                if (!vouched) bad++;
                delivered += probe.got.size();
                probe.releaseAll();
            }
            assertEquals(bad, h.stack.udpRcv().drops().get(DropReason.BAD_UDP_CHECKSUM)
                    + h.stack.ipRcv().drops().get(DropReason.BAD_IP_CHECKSUM));
            assertEquals(2_000 - bad, delivered);
        }
    }

    @Test
    void theGeneralPathChecksTheHeaderWhateverTheVerdict() {
        try (Harness h = new Harness()) {
            h.stack.ports().bind(PORT, new Probe(1));
            byte[] f = Frame.udp().from(PEER).to(US).ports(1000, PORT).payload(Frame.bytes(16))
                    .ipOptions(new byte[] {1, 1, 1, 0}).badIpChecksum().build();
            receive(h, f, Packet.CSUM_UNNECESSARY);
            assertEquals(1, h.stack.ipRcv().drops().get(DropReason.BAD_IP_CHECKSUM));
        }
    }

    @Test
    void freshSlotsAndInMemoryNicFramesCarryNoVerdictByDefault() {
        try (PacketPool pool = new PacketPool(8)) {
            Packet p = pool.allocate();
            p.csumVerdict = Packet.CSUM_UNNECESSARY;
            p.release();
            Packet again = pool.allocate();
            assertEquals(Packet.CSUM_NONE, again.csumVerdict);
            again.release();

            InMemoryNic plain = new InMemoryNic(pool, 1);
            InMemoryNic vouching = InMemoryNic.builder(pool).checksumVerdict(Packet.CSUM_UNNECESSARY).build();
            plain.inject(badUdpSum());
            vouching.inject(badUdpSum());
            Packet[] out = new Packet[1];
            assertEquals(1, plain.receive(0, out, 1));
            assertEquals(Packet.CSUM_NONE, out[0].csumVerdict);
            out[0].release();
            assertEquals(1, vouching.receive(0, out, 1));
            assertEquals(Packet.CSUM_UNNECESSARY, out[0].csumVerdict);
            out[0].release();
            assertThrows(IllegalArgumentException.class, () -> InMemoryNic.builder(pool).checksumVerdict(7));
        }
    }

    /** A reply made in a vouched request's slot: ours to sum, or to leave to the device, never "verified". */
    @Test
    void udpSendSumsOrLeavesTheSumToTheDevice() {
        for (boolean offload : new boolean[] {false, true}) {
            try (Harness h = new Harness()) {
                h.stack.offloadChecksums(offload);
                Packet p = h.pool.allocate();
                byte[] payload = Frame.bytes(61);  // odd, to cover the padded last byte
                p.offset = 128;
                p.length = payload.length;
                java.lang.foreign.MemorySegment.copy(payload, 0, p.segment(),
                        java.lang.foreign.ValueLayout.JAVA_BYTE, p.offset, payload.length);
                p.csumVerdict = Packet.CSUM_UNNECESSARY;
                p.srcIp = US.ip();
                p.dstIp = PEER.ip();
                p.srcPort = 7;
                p.dstPort = 40000;
                assertEquals(Layer.NEXT, h.stack.udpSend().process(p, h.stack.callerContext()));
                int len = p.length;
                int field = UdpHeader.checksum(p.segment(), p.l4Offset);
                long pseudo = Checksum.pseudoHeader(p.srcIp, p.dstIp, Ipv4Header.PROTO_UDP, len);
                if (offload) {
                    assertEquals(Packet.CSUM_PARTIAL, p.csumVerdict);
                    assertEquals(UdpHeader.CHECKSUM_OFFSET, p.csumOffset);
                    assertEquals(Checksum.fold(pseudo), field);
                    Checksum.completePartial(p);
                    assertEquals(Packet.CSUM_NONE, p.csumVerdict);
                } else {
                    assertEquals(Packet.CSUM_NONE, p.csumVerdict);
                }
                long acc = Checksum.sum(p.segment(), p.l4Offset, len, pseudo);
                assertEquals(0xFFFF, Checksum.fold(acc), "offload " + offload);
                p.release();
            }
        }
    }

    @Test
    void anInMemoryNicThatFillsSumsSendsFramesWithRightSums() {
        try (PacketPool pool = new PacketPool(16)) {
            java.util.List<byte[]> wire = new java.util.ArrayList<>();
            InMemoryNic nic = InMemoryNic.builder(pool).fillsChecksums(true)
                    .checksumVerdict(Packet.CSUM_UNNECESSARY)
                    .txHandler((q, p) -> wire.add(p.toBytes())).build();
            try (io.flexnet.engine.Engine e = new io.flexnet.engine.Engine(nic, io.flexnet.fixture.Hosts.config(),
                    new io.flexnet.runtime.ManualClock())) {
                assertTrue(e.stack().udpSend().offloadsChecksums());
                io.flexnet.pipeline.Pipeline echo = e.rxTx("echo").eth().ip().l4()
                        .yieldTo(co -> io.flexnet.pipeline.Application.ANSWER).l4().ip().eth().build();
                e.stack().ports().bind(7, new Probe(1));
                e.stack().arp().learnPermanent(PEER.ip(), PEER.mac());
                nic.inject(Frame.udp().from(PEER).to(US).ports(40000, 7).payload(Frame.bytes(33)).build());
                Packet[] in = new Packet[1];
                assertEquals(1, nic.receive(0, in, 1));
                e.coroutines().of(in[0]).start(echo, e.stack().callerContext());
            }
            assertEquals(1, wire.size());
            Decoded d = Decoded.of(wire.get(0));
            assertTrue(d.udp && d.ipChecksumOk && d.l4ChecksumOk, d.toString());
            assertEquals(7, d.srcPort);
        }
    }
}
