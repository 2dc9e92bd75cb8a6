package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.SUBNET_BROADCAST;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.UdpHeader;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** A reply answered in place never carries a broadcast or multicast source: it comes from our address. */
class ReplySourceTest {

    @Test
    void aRequestToTheSubnetBroadcastIsAnsweredFromOurOwnAddress() {
        try (Harness h = new Harness()) {
            h.stack.ports().bind(7, Endpoint.servedAtYield(7));
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            Pipeline echo = PipelineBuilder.rxTx("echo", h.stack::layer)
                    .eth().ip().l4().yieldTo(co -> Application.ANSWER).l4().ip().eth().build();
            byte[] request = Frame.udp().from(PEER).to(US).ethDst(MacAddress.BROADCAST).ipDst(SUBNET_BROADCAST)
                    .ports(40000, 7).payload(new byte[] {1, 2, 3}).build();
            new Coroutines(h.pool).of(h.packet(request)).start(echo, h.stack.callerContext());
            Packet reply = h.takeSent();
            MemorySegment s = reply.segment();
            int ip = reply.offset + EthernetHeader.HEADER_LENGTH;
            assertEquals(PEER.mac(), EthernetHeader.dst(s, reply.offset), "unicast to the requester");
            assertEquals(US.ip(), Ipv4Header.src(s, ip), "from our address, not the broadcast it was sent to");
            assertEquals(PEER.ip(), Ipv4Header.dst(s, ip));
            assertEquals(true, UdpHeader.checksumOk(s, ip + 20, US.ip(), PEER.ip()), "checksum over the real source");
            reply.release();
        }
    }
}
