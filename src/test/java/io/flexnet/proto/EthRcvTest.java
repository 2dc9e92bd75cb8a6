package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import org.junit.jupiter.api.Test;

/** eth_rcv: address filter, 802.1Q tag, ethertype dispatch. */
class EthRcvTest {

    @Test
    void passesIpv4ForOurMacWithL3OffsetSet() {
        try (Harness h = new Harness()) {
            Packet p = h.packet(Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(4)).build());
            assertEquals(Layer.NEXT, h.stack.ethRcv().process(p, LayerContext.at(0)));
            assertEquals(p.offset + 14, p.l3Offset);
            assertEquals(-1, p.vlan);
            assertEquals(1, h.stack.ethRcv().out());
            p.release();
        }
    }

    @Test
    void acceptsBroadcastAndMulticastDestinations() {
        try (Harness h = new Harness()) {
            for (long dst : new long[] {MacAddress.BROADCAST, MacAddress.parse("01:00:5e:00:00:fb")}) {
                byte[] f = Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(4)).build();
                EthernetHeader.dst(java.lang.foreign.MemorySegment.ofArray(f), 0, dst);
                Packet p = h.packet(f);
                assertEquals(Layer.NEXT, h.stack.ethRcv().process(p, LayerContext.at(0)));
                p.release();
            }
        }
    }

    @Test
    void dropsFrameForAnotherMac() {
        try (Harness h = new Harness()) {
            byte[] f = Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(4)).build();
            EthernetHeader.dst(java.lang.foreign.MemorySegment.ofArray(f), 0, MacAddress.parse("02:00:00:00:00:99"));
            assertEquals(Layer.DONE, h.stack.ethRcv().process(h.packet(f), LayerContext.at(0)));
            assertEquals(1, h.stack.ethRcv().drops().get(DropReason.NOT_FOR_US));
        }
    }

    @Test
    void dropsTruncatedFrames() {
        try (Harness h = new Harness()) {
            assertEquals(Layer.DONE, h.stack.ethRcv().process(h.packet(new byte[13]), LayerContext.at(0)));
            byte[] tagOnly = java.util.Arrays.copyOf(Frame.udp().from(PEER).to(US).ports(1, 2).payload(Frame.bytes(0))
                    .vlan(5).build(), 17);
            assertEquals(Layer.DONE, h.stack.ethRcv().process(h.packet(tagOnly), LayerContext.at(0)));
            assertEquals(2, h.stack.ethRcv().drops().get(DropReason.TRUNCATED));
        }
    }

    @Test
    void readsVlanTagAndFindsTheRealEthertype() {
        try (Harness h = new Harness()) {
            Packet p = h.packet(Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(4)).vlan(503)
                    .build());
            assertEquals(Layer.NEXT, h.stack.ethRcv().process(p, LayerContext.at(0)));
            assertEquals(503, p.vlan);
            assertEquals(p.offset + 18, p.l3Offset);
            p.release();
        }
    }

    @Test
    void dropsUnknownEthertype() {
        try (Harness h = new Harness()) {
            byte[] f = Frame.ethernet(0x86DD).from(PEER).to(US).payload(40).build();  // IPv6: not spoken here
            assertEquals(Layer.DONE, h.stack.ethRcv().process(h.packet(f), LayerContext.at(0)));
            assertEquals(1, h.stack.ethRcv().drops().get(DropReason.UNKNOWN_ETHERTYPE));
        }
    }

    @Test
    void handsArpToTheArpModule() {
        try (Harness h = new Harness()) {
            assertEquals(Layer.DONE, h.stack.ethRcv().process(h.packet(Frame.arpRequest().from(PEER).to(US)
                    .build()), LayerContext.at(0)));
            assertEquals(1, h.stack.ethRcv().counters().get("arp"));
            assertEquals(1, h.stack.arp().counters().get("replied"));
            assertEquals(1, h.sent.size());
            assertEquals(1, h.stack.ethRcv().in());
        }
    }
}
