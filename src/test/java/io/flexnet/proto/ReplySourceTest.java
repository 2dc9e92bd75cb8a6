package io.flexnet.proto;

import static io.flexnet.proto.TestFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            Pipeline echo = PipelineBuilder.rxTx("echo", h.stack::layer)
                    .eth().ip().l4().yieldTo(co -> Application.ANSWER).l4().ip().eth().build();
            byte[] request = ethernet(MacAddress.BROADCAST, PEER_MAC, EthernetHeader.TYPE_IPV4,
                    ipv4(PEER_IP, SUBNET_BROADCAST, Ipv4Header.PROTO_UDP, udp(PEER_IP, SUBNET_BROADCAST, 40000, 7, new byte[] {1, 2, 3})));
            new Coroutines(h.pool).of(h.packet(request)).start(echo, h.stack.callerContext());
            Packet reply = h.takeSent();
            MemorySegment s = reply.segment();
            int ip = reply.offset + EthernetHeader.HEADER_LENGTH;
            assertEquals(PEER_MAC, EthernetHeader.dst(s, reply.offset), "unicast to the requester");
            assertEquals(OUR_IP, Ipv4Header.src(s, ip), "from our address, not the broadcast it was sent to");
            assertEquals(PEER_IP, Ipv4Header.dst(s, ip));
            assertEquals(true, UdpHeader.checksumOk(s, ip + 20, OUR_IP, PEER_IP), "checksum over the real source");
            reply.release();
        }
    }
}
