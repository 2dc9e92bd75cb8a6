package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.SUBNET_BROADCAST;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Hex;
import io.flexnet.packet.Frames;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** ip_rcv: header validation, addressing, padding trim, fragments. */
class IpRcvTest {

    /** Runs eth_rcv then ip_rcv; returns ip_rcv's result (the packet is released unless NEXT). */
    private static int ipRcv(Harness h, byte[] frame, Packet[] out) {
        Packet p = h.packet(frame);
        if (h.stack.ethRcv().process(p, LayerContext.at(0)) != Layer.NEXT) throw new AssertionError("eth_rcv refused the frame");
        int r = h.stack.ipRcv().process(p, LayerContext.at(0));
        if (out != null) out[0] = p;
        else if (r == Layer.NEXT) p.release();
        return r;
    }

    private static void assertDropped(DropReason reason, Consumer<MemorySegment> edit) {
        try (Harness h = new Harness()) {
            byte[] f = Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(16)).build();
            edit.accept(MemorySegment.ofArray(f));
            assertEquals(Layer.DONE, ipRcv(h, f, null));
            assertEquals(1, h.stack.ipRcv().drops().get(reason), reason.label());
            assertEquals(1, h.stack.ipRcv().drops().total());
        }
    }

    @Test
    void passesValidUdpWithFlowFieldsSet() {
        try (Harness h = new Harness()) {
            Packet[] out = new Packet[1];
            assertEquals(Layer.NEXT, ipRcv(h, Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(16))
                    .build(), out));
            Packet p = out[0];
            assertEquals(PEER.ip(), p.srcIp);
            assertEquals(US.ip(), p.dstIp);
            assertEquals(Ipv4Header.PROTO_UDP, p.protocol);
            assertEquals(p.l3Offset + 20, p.l4Offset);
            p.release();
        }
    }

    @Test
    void trimsEthernetPaddingOfRealCapture() {
        // The captured RST/ACK is 54 bytes of datagram padded to a 60-byte frame; configure the stack
        // as its receiver (172.17.81.73 at bc:30:5b:e8:d3:49).
        NetConfig cfg = NetConfig.parse("bc:30:5b:e8:d3:49", "172.17.81.73/24", null, 1500);
        try (Harness h = new Harness(cfg, 8)) {
            Packet[] out = new Packet[1];
            assertEquals(Layer.NEXT, ipRcv(h, Hex.bytes(Frames.TCP_RST_PADDED), out));
            Packet p = out[0];
            assertEquals(54, p.length);
            assertEquals(Ip4.parse("172.17.81.197"), p.srcIp);
            assertEquals(Ipv4Header.PROTO_TCP, p.protocol);
            p.release();
        }
    }

    @Test
    void dropsFrameWithBadIpChecksum() {
        assertDropped(DropReason.BAD_IP_CHECKSUM, s -> Ipv4Header.checksum(s, 14, Ipv4Header.checksum(s, 14) ^ 1));
    }

    @Test
    void dropsWrongVersion() {
        assertDropped(DropReason.BAD_IP_VERSION, s -> Ipv4Header.versionIhl(s, 14, 6, 5));
    }

    @Test
    void dropsIhlBelowFive() {
        assertDropped(DropReason.BAD_IP_HEADER_LENGTH, s -> Ipv4Header.versionIhl(s, 14, 4, 4));
    }

    @Test
    void dropsTotalLengthThatLies() {
        assertDropped(DropReason.BAD_IP_LENGTH, s -> {
            Ipv4Header.totalLength(s, 14, Ipv4Header.totalLength(s, 14) + 1);
            Ipv4Header.fillChecksum(s, 14);
        });
        assertDropped(DropReason.BAD_IP_LENGTH, s -> {
            Ipv4Header.totalLength(s, 14, 19);
            Ipv4Header.fillChecksum(s, 14);
        });
        assertDropped(DropReason.BAD_IP_LENGTH, s -> {  // IHL 15 = 60 bytes of header, datagram of 44
            Ipv4Header.versionIhl(s, 14, 4, 15);
            Ipv4Header.checksum(s, 14, 0);
        });
    }

    @Test
    void dropsTruncatedHeader() {
        try (Harness h = new Harness()) {
            assertEquals(Layer.DONE, ipRcv(h, Arrays.copyOf(Frame.udp().from(PEER).to(US).ports(1, 2)
                    .payload(Frame.bytes(0)).build(), 14 + 19), null));
            assertEquals(1, h.stack.ipRcv().drops().get(DropReason.TRUNCATED));
        }
    }

    @Test
    void dropsExpiredTtl() {
        assertDropped(DropReason.TTL_EXPIRED, s -> {
            Ipv4Header.ttl(s, 14, 0);
            Ipv4Header.fillChecksum(s, 14);
        });
    }

    @Test
    void dropsDatagramsForOtherHosts() {
        assertDropped(DropReason.IP_NOT_FOR_US, s -> {
            Ipv4Header.dst(s, 14, Ip4.parse("198.18.0.3"));
            Ipv4Header.fillChecksum(s, 14);
        });
        assertDropped(DropReason.IP_NOT_FOR_US, s -> {  // multicast: no group is joined
            Ipv4Header.dst(s, 14, Ip4.parse("224.0.0.251"));
            Ipv4Header.fillChecksum(s, 14);
        });
    }

    @Test
    void acceptsLimitedAndDirectedBroadcast() {
        try (Harness h = new Harness()) {
            for (int dst : new int[] {Ip4.BROADCAST, SUBNET_BROADCAST}) {
                byte[] f = Frame.udp().from(PEER).to(US).ipDst(dst).ports(68, 67).payload(Frame.bytes(8)).build();
                io.flexnet.packet.EthernetHeader.dst(MemorySegment.ofArray(f), 0, MacAddress.BROADCAST);
                assertEquals(Layer.NEXT, ipRcv(h, f, null), Ip4.format(dst));
            }
        }
    }

    @Test
    void dropsFragmentsWithoutReassembly() {
        assertDropped(DropReason.FRAGMENT, s -> {
            Ipv4Header.flagsFragment(s, 14, Ipv4Header.FLAG_MF);
            Ipv4Header.fillChecksum(s, 14);
        });
        assertDropped(DropReason.FRAGMENT, s -> {
            Ipv4Header.flagsFragment(s, 14, 185);
            Ipv4Header.fillChecksum(s, 14);
        });
    }

    @Test
    void dropsUnknownProtocol() {
        assertDropped(DropReason.UNKNOWN_PROTOCOL, s -> {
            Ipv4Header.protocol(s, 14, 132);  // SCTP
            Ipv4Header.fillChecksum(s, 14);
        });
    }

    @Test
    void acceptsHeaderWithOptions() {
        try (Harness h = new Harness()) {
            byte[] plain = Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(4)).build();
            byte[] f = new byte[plain.length + 4];
            System.arraycopy(plain, 0, f, 0, 34);
            f[34] = (byte) 0x94;  // Router Alert
            f[35] = 4;
            System.arraycopy(plain, 34, f, 38, plain.length - 34);
            MemorySegment s = MemorySegment.ofArray(f);
            Ipv4Header.versionIhl(s, 14, 4, 6);
            Ipv4Header.totalLength(s, 14, Ipv4Header.totalLength(s, 14) + 4);
            Ipv4Header.fillChecksum(s, 14);
            Packet[] out = new Packet[1];
            assertEquals(Layer.NEXT, ipRcv(h, f, out));
            assertEquals(out[0].l3Offset + 24, out[0].l4Offset);
            out[0].release();
        }
    }
}
