package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.SUBNET_BROADCAST;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Frames;
import io.flexnet.packet.Hex;
import io.flexnet.packet.IcmpHeader;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** ICMP: echo answered in place, what is ignored and why. */
class IcmpTest {
    /** The constructed ping's addresses: 198.18.0.1 (02:..:01) pings 198.18.0.2 (02:..:02) = us. */
    private static Harness pinged() {
        Harness h = new Harness();
        h.stack.arp().learn(PEER.ip(), PEER.mac());
        return h;
    }

    @Test
    void repliesToEchoRequestInPlace() {
        try (Harness h = pinged()) {
            byte[] request = Hex.bytes(Frames.PING);
            Packet p = h.packet(request);
            int slot = p.index();
            h.stack.receive(p);
            Packet r = h.takeSent();
            assertEquals(slot, r.index(), "the reply reuses the request's slot");
            MemorySegment s = r.segment();
            int eth = r.offset;
            assertEquals(98, r.length);
            assertEquals(PEER.mac(), EthernetHeader.dst(s, eth));
            assertEquals(US.mac(), EthernetHeader.src(s, eth));
            Ipv4Header ip = new Ipv4Header().wrap(s, eth + 14);
            assertEquals(US.ip(), ip.src());
            assertEquals(PEER.ip(), ip.dst());
            assertEquals(84, ip.totalLength());
            assertEquals(64, ip.ttl());
            assertEquals(Ipv4Header.PROTO_ICMP, ip.protocol());
            assertTrue(ip.checksumOk());
            IcmpHeader icmp = new IcmpHeader().wrap(s, eth + 34);
            assertEquals(IcmpHeader.TYPE_ECHO_REPLY, icmp.type());
            assertEquals(0x1C46, icmp.id());
            assertEquals(1, icmp.sequence());
            assertEquals(0xBD54, icmp.checksum(), "0xb554 + 0x0800 (type 8 → 0)");
            assertTrue(icmp.checksumOk(64));
            byte[] data = s.asSlice(eth + 42, 56).toArray(ValueLayout.JAVA_BYTE);
            byte[] sentData = java.util.Arrays.copyOfRange(request, 42, 98);
            assertEquals(Hex.of(sentData), Hex.of(data));
            r.release();
            assertEquals(1, h.stack.icmp().counters().get("echo-answered"));
        }
    }

    @Test
    void anEmptyEchoWithIdAndSequenceZeroGetsAReplyWhoseChecksumVerifies() {
        // Its reply's words sum to zero: the incremental update then gives 0x0000, which fails; only
        // 0xFFFF verifies (RFC 1624 section 3). Checked by the fixture's independent decoder.
        try (Harness h = pinged()) {
            h.receive(Frame.icmpEcho().from(PEER).to(US).echo(0, 0).build());
            io.flexnet.fixture.Decoded reply = io.flexnet.fixture.Decoded.of(h.drainSent().getFirst());
            assertEquals(0, reply.icmpType, "an echo reply");
            assertTrue(reply.l4ChecksumOk, "its checksum verifies");
        }
    }

    @Test
    void repliesOnTheRequestsVlan() {
        try (Harness h = pinged()) {
            h.receive(Frame.tagged(Hex.bytes(Frames.PING), 503));
            Packet r = h.takeSent();
            assertEquals(503, EthernetHeader.vlanId(r.segment(), r.offset));
            assertEquals(EthernetHeader.TYPE_IPV4, EthernetHeader.etherType(r.segment(), r.offset));
            IcmpHeader icmp = new IcmpHeader().wrap(r.segment(), r.offset + 18 + 20);
            assertEquals(IcmpHeader.TYPE_ECHO_REPLY, icmp.type());
            assertTrue(icmp.checksumOk(64));
            r.release();
        }
    }

    @Test
    void echoReplyWaitsForArpWhenTheRequesterIsUnknown() {
        try (Harness h = new Harness()) {
            h.receive(Hex.bytes(Frames.PING));
            Packet request = h.takeSent();
            assertEquals(EthernetHeader.TYPE_ARP, EthernetHeader.type(request.segment(), request.offset));
            request.release();
            h.receive(Frame.arpReply().from(PEER).to(US).build());
            Packet reply = h.takeSent();
            assertEquals(IcmpHeader.TYPE_ECHO_REPLY, IcmpHeader.type(reply.segment(), reply.offset + 34));
            reply.release();
        }
    }

    @Test
    void ignoresEchoRequestsToBroadcast() {
        try (Harness h = pinged()) {
            byte[] f = Frame.icmpEcho().from(PEER).to(US).ethDst(MacAddress.BROADCAST).ipDst(SUBNET_BROADCAST)
                    .echo(1, 1).payload(8).build();
            h.receive(f);
            assertTrue(h.sent.isEmpty());
            assertEquals(1, h.stack.icmp().drops().get(DropReason.ICMP_UNHANDLED));
        }
    }

    @Test
    void dropsBadIcmpChecksum() {
        try (Harness h = pinged()) {
            byte[] f = Hex.bytes(Frames.PING);
            f[60] ^= 1;
            h.receive(f);
            assertEquals(1, h.stack.icmp().drops().get(DropReason.BAD_ICMP_CHECKSUM));
            assertTrue(h.sent.isEmpty());
        }
    }

    @Test
    void dropsIcmpShorterThanItsHeader() {
        try (Harness h = pinged()) {
            h.receive(Frame.ipv4(Frame.PROTO_ICMP).from(PEER).to(US)
                    .payload(new byte[] {8, 0, (byte) 0xF7, (byte) 0xFF}).build());
            assertEquals(1, h.stack.icmp().drops().get(DropReason.BAD_ICMP));
        }
    }

    @Test
    void countsOtherIcmpAsUnhandled() {
        try (Harness h = pinged()) {
            h.receive(Frame.icmpEcho().reply().from(PEER).to(US).echo(1, 1).payload(8).build());
            assertEquals(1, h.stack.icmp().drops().get(DropReason.ICMP_UNHANDLED));
            assertEquals(1, h.stack.ipRcv().counters().get("icmp"));
        }
    }
}
