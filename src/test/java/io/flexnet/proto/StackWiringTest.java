package io.flexnet.proto;

import static io.flexnet.proto.TestFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.Stripe;
import io.flexnet.runtime.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a stack is put together and what its parts promise one another: the pool it needs, the
 * configuration it accepts, who owns a packet after each layer, where originated datagrams go.
 */
class StackWiringTest {
    private static final long MAC = MacAddress.parse("02:00:00:00:00:02");

    @Test
    void aStackNeedsSlotsForATaggedMtuFrameAndHeadroomForATag() {
        ManualClock clock = new ManualClock(0);
        NetConfig cfg = config();
        try (PacketPool exact = new PacketPool(2, 1500 + 18 + 128, 128)) {
            ProtoStack s = new ProtoStack(cfg, exact, p -> { }, clock);
            assertSame(cfg, s.config());
            assertSame(exact, s.pool());
            assertSame(clock, s.runtime());
            assertSame(s.udpSend(), s.udpSend());
            assertTrue(s.output() != null && s.l4Send() != null && s.udpSend() != null);
        }
        try (PacketPool short1 = new PacketPool(2, 1500 + 17 + 128, 128)) {
            assertThrows(IllegalArgumentException.class, () -> new ProtoStack(cfg, short1, p -> { }, clock));
        }
        try (PacketPool tagRoom = new PacketPool(2, 2048, 4)) {
            new ProtoStack(cfg, tagRoom, p -> { }, clock);
        }
        try (PacketPool noTagRoom = new PacketPool(2, 2048, 3)) {
            assertThrows(IllegalArgumentException.class, () -> new ProtoStack(cfg, noTagRoom, p -> { }, clock));
        }
    }

    @Test
    void configurationAcceptsEveryValueAtItsLimits() {
        assertEquals(1, new NetConfig(MAC, Ip4.parse("10.0.0.1"), 1, 0, 1500).prefixLength());
        assertEquals(32, new NetConfig(MAC, Ip4.parse("10.0.0.1"), 32, 0, 1500).prefixLength());
        assertThrows(IllegalArgumentException.class, () -> new NetConfig(MAC, Ip4.parse("10.0.0.1"), 33, 0, 1500));
        assertEquals(68, new NetConfig(MAC, Ip4.parse("10.0.0.1"), 24, 0, NetConfig.MIN_MTU).mtu());
        assertEquals(9216, new NetConfig(MAC, Ip4.parse("10.0.0.1"), 24, 0, NetConfig.MAX_MTU).mtu());
        // RFC 3021: a /31 point-to-point link has no network or broadcast address; both are hosts.
        NetConfig p2p = new NetConfig(MAC, Ip4.parse("10.0.0.0"), 31, 0, 1500);
        assertEquals(Ip4.BROADCAST, p2p.broadcast());
        assertThrows(IllegalArgumentException.class, () -> new NetConfig(MAC, Ip4.parse("10.0.0.0"), 30, 0, 1500));
        NetConfig thirty = new NetConfig(MAC, Ip4.parse("10.0.0.1"), 30, 0, 1500);
        assertEquals(Ip4.parse("10.0.0.3"), thirty.broadcast(), "a /30 still has a directed broadcast");
        assertTrue(thirty.isBroadcast(Ip4.parse("10.0.0.3")));
        assertFalse(thirty.isBroadcast(Ip4.parse("10.0.0.2")));
        assertFalse(thirty.isBroadcast(thirty.ip()));
    }

    @Test
    void afterEachLayerThePacketIsPassedOnOrNoLongerTheCallers() {
        try (Harness h = new Harness()) {
            LayerContext cx = LayerContext.at(h.clock.nanoTime());
            Packet noRoom = h.pool.allocate();
            noRoom.offset = 4;
            noRoom.protocol = Ipv4Header.PROTO_UDP;
            assertEquals(Layer.DONE, h.stack.l4Send().process(noRoom, cx), "udp_send dropped it: l4_send must say so");
            Packet parked = h.pool.allocate();
            parked.nextHop = PEER_IP;
            parked.length = 20;
            assertEquals(Layer.DONE, h.stack.ethSend().process(parked, cx), "parked for ARP: not the caller's any more");
            assertEquals(1, h.stack.arp().pending());
            h.drainSent();
            Packet icmp = h.pool.allocate();
            icmp.protocol = Ipv4Header.PROTO_ICMP;
            assertEquals(Layer.DONE, h.stack.l4Send().process(icmp, cx), "no transport for it: dropped");
            assertEquals(1, h.stack.l4Send().drops().get(DropReason.UNKNOWN_PROTOCOL));
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            Packet cramped = h.pool.allocate();
            cramped.nextHop = PEER_IP;
            cramped.offset = 13;
            assertEquals(Layer.DONE, h.stack.ethSend().process(cramped, cx), "no room for the Ethernet header");
            assertEquals(1, h.stack.ethSend().drops().get(DropReason.BAD_SEND));
            h.drainSent();
        }
    }

    @Test
    void ipSendFillsInOurSourceOnlyWhenNoneIsGivenAndNeedsExactlyItsHeaderInFront() {
        IpSend ip = new IpSend(config());
        try (PacketPool pool = new PacketPool(2)) {
            Packet p = pool.allocate();
            p.offset = 20;
            p.length = 8;
            p.protocol = Ipv4Header.PROTO_UDP;
            p.dstIp = PEER_IP;
            assertEquals(Layer.NEXT, ip.process(p, LayerContext.at(0)));
            assertEquals(0, p.offset);
            assertEquals(OUR_IP, Ipv4Header.src(p.segment(), 0));
            assertTrue(Ipv4Header.checksumOk(p.segment(), 0));
            Packet q = pool.allocate();
            q.protocol = Ipv4Header.PROTO_UDP;
            q.dstIp = PEER_IP;
            q.srcIp = Ip4.parse("198.18.0.9");  // an address the application chose (a reply from an alias)
            assertEquals(Layer.NEXT, ip.process(q, LayerContext.at(0)));
            assertEquals(Ip4.parse("198.18.0.9"), Ipv4Header.src(q.segment(), q.offset));
            assertEquals(2, ip.counters().get("out"));
            q.offset = 128;
            q.length = 1500 - 20 + 1;
            assertEquals(Layer.DONE, ip.process(q, LayerContext.at(0)), "one byte over the MTU: dropped");
            assertEquals(1, ip.drops().get(DropReason.TOO_LONG));
            p.offset = 19;
            assertEquals(Layer.DONE, ip.process(p, LayerContext.at(0)));
            assertEquals(1, ip.drops().get(DropReason.BAD_SEND));
        }
    }

    @Test
    void originatedDatagramsFollowTheRouteWhenOneIsBound() {
        try (Harness h = new Harness()) {
            List<Packet> routed = new ArrayList<>();
            Output.Route r = (p, cx) -> routed.add(p);
            h.stack.output().route(r);
            assertSame(r, h.stack.output().route());
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            h.receive(pingFrame(1, 1, new byte[4]));
            assertEquals(1, routed.size(), "the echo reply went to the route");
            assertTrue(h.sent.isEmpty(), "not straight to the device");
            routed.getFirst().release();
            h.stack.output().route(null);
            h.receive(pingFrame(1, 2, new byte[4]));
            assertEquals(1, h.drainSent().size(), "inline again");
        }
    }

    @Test
    void contextsCarryTheirTimeAndTheirThreadsStripe() {
        assertEquals(42, LayerContext.at(42).now());
        assertEquals(Stripe.current(), new LayerContext().stripe());
        assertEquals(Stripe.SHARED, LayerContext.shared().stripe());
        assertEquals("LayerContext[stripe " + Stripe.SHARED + ", now 0]", LayerContext.shared().toString());
    }

    @Test
    void layerKindsNameTheirDirection() {
        assertEquals("eth_rcv", LayerKind.ETH_RCV.label());
        assertTrue(LayerKind.ETH_RCV.receive());
        assertEquals("eth_send", LayerKind.ETH_SEND.label());
        assertFalse(LayerKind.ETH_SEND.receive());
        assertEquals("udp_rcv", new UdpRcv(new PortTable(), null).name());
        assertEquals(LayerKind.L4_RCV, new UdpRcv(new PortTable(), null).kind());
        assertEquals("udp_send", new UdpSend(config()).name());
        assertEquals(LayerKind.L4_SEND, new UdpSend(config()).kind());
        assertEquals("socket_send", new SocketSend(config()).counters().name());
        assertEquals("udp_rcv", new UdpRcv(new PortTable(), null).counters().name());
        assertEquals("udp_send", new UdpSend(config()).counters().name());
    }

    @Test
    void anEndpointServedAtYieldRefusesDeliveryButKeepsItsId() {
        Endpoint e = Endpoint.servedAtYield(7);
        assertEquals(7, e.id());
        assertFalse(e.offer(null));
        assertEquals("served at yield() (7)", e.toString());
    }
}
