package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.SUBNET_BROADCAST;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No answer goes to a source no host can have (RFC 1122 3.2.1.3, 3.2.2; Linux's martian sources): a
 * datagram or echo request from one is dropped and counted before anything could answer it, so the
 * stack cannot be made to reflect traffic onto a subnet, a multicast group or itself.
 */
class SourceAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1",
            "255.255.255.255", "198.18.0.255", "198.18.0.2"})
    void aMartianSourceGetsNoPortUnreachable(String source) {
        int src = Ip4.parse(source);
        try (Harness h = new Harness()) {
            h.receive(Frame.udp().from(PEER).to(US).ipSrc(src).ports(7, 9999).payload(bytes(16))
                    .build());  // closed port
            assertTrue(h.sent.isEmpty(), "no ICMP error toward " + source);
            assertEquals(1, h.stack.ipRcv().drops().get(DropReason.MARTIAN_SOURCE));
            assertEquals(0, h.stack.icmp().counters().get("unreachable-sent"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255", "198.18.0.255", "198.18.0.2"})
    void aMartianSourceIsNeverDelivered(String source) {
        int src = Ip4.parse(source);
        try (Harness h = new Harness()) {
            Probe probe = new Probe(3);
            h.stack.ports().bind(7, probe);
            h.receive(Frame.udp().from(PEER).to(US).ipSrc(src).ports(40000, 7).payload(bytes(16)).build());
            assertTrue(probe.got.isEmpty(), "an echo service never sees a datagram from " + source);
            assertEquals(1, h.stack.ipRcv().drops().get(DropReason.MARTIAN_SOURCE));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.255", "224.0.0.1", "255.255.255.255", "127.0.0.1"})
    void anEchoRequestFromAMartianSourceIsNotAnswered(String source) {
        int src = Ip4.parse(source);
        try (Harness h = new Harness()) {
            h.receive(Frame.icmpEcho().from(PEER).to(US).ipSrc(src).echo(1, 1).payload(bytes(8)).build());
            assertTrue(h.sent.isEmpty(), "no echo reply toward " + source);
            assertEquals(1, h.stack.ipRcv().drops().get(DropReason.MARTIAN_SOURCE));
        }
    }

    @org.junit.jupiter.api.Test
    void aBroadcastFrameFromAnOrdinaryHostStillArrives() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(3);
            h.stack.ports().bind(7, probe);
            h.receive(Frame.udp().from(PEER).to(US).ethDst(MacAddress.BROADCAST).ipDst(SUBNET_BROADCAST)
                    .ports(40000, 7).payload(bytes(4)).build());
            assertEquals(1, probe.got.size(), "a unicast source may send to the broadcast address");
            probe.releaseAll();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }
}
