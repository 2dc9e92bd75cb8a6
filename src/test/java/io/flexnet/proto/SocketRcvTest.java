package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import org.junit.jupiter.api.Test;

/** socket_rcv and the port table: refusals, faults, endpoints that went away. */
class SocketRcvTest {

    /** Runs the frame up to and including udp_rcv; returns the packet ready for socket_rcv. */
    private static Packet upToSocket(Harness h, byte[] frame) {
        Packet p = h.packet(frame);
        assertEquals(Layer.NEXT, h.stack.ethRcv().process(p, LayerContext.at(0)));
        assertEquals(Layer.NEXT, h.stack.ipRcv().process(p, LayerContext.at(0)));
        assertEquals(Layer.NEXT, h.stack.udpRcv().process(p, LayerContext.at(0)));
        return p;
    }

    @Test
    void countsSocketFullWhenTheEndpointRefuses() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(5);
            probe.refuse = true;
            h.stack.ports().bind(2000, probe);
            assertEquals(Layer.DONE, h.stack.socketRcv().process(upToSocket(h, Frame.udp().from(PEER).to(US)
                    .ports(1, 2000).payload(Frame.bytes(8)).build()), LayerContext.at(0)));
            assertEquals(1, h.stack.socketRcv().drops().get(DropReason.SOCKET_FULL));
        }
    }

    @Test
    void countsAnEndpointThatThrowsAsExtensionFault() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(5);
            probe.fail = true;
            h.stack.ports().bind(2000, probe);
            assertEquals(Layer.DONE, h.stack.socketRcv().process(upToSocket(h, Frame.udp().from(PEER).to(US)
                    .ports(1, 2000).payload(Frame.bytes(8)).build()), LayerContext.at(0)));
            assertEquals(1, h.stack.socketRcv().drops().get(DropReason.EXTENSION_FAULT));
        }
    }

    @Test
    void dropsNoSocketWhenTheEndpointWentAwayAfterUdpRcv() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(5);
            h.stack.ports().bind(2000, probe);
            Packet p = upToSocket(h, Frame.udp().from(PEER).to(US).ports(1, 2000).payload(Frame.bytes(8)).build());
            h.stack.ports().unbind(2000);
            h.stack.ports().bind(2000, new Probe(6));  // another endpoint took the port meanwhile
            assertEquals(Layer.DONE, h.stack.socketRcv().process(p, LayerContext.at(0)));
            assertEquals(1, h.stack.socketRcv().drops().get(DropReason.NO_SOCKET));
            assertTrue(probe.got.isEmpty());
        }
    }

    @Test
    void portTableRefusesATakenPortAndFreesIdsWithTheirLastPort() {
        PortTable t = new PortTable();
        Probe a = new Probe(1);
        t.bind(53, a);
        t.bind(5353, a);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.bind(53, new Probe(2)));
        assertEquals("port 53 is already bound to endpoint 1", e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.bind(54, new Probe(1)));
        assertThrows(IllegalArgumentException.class, () -> t.bind(0, a));
        assertThrows(IllegalArgumentException.class, () -> t.bind(65536, a));
        assertEquals(a, t.unbind(53));
        assertEquals(a, t.endpoint(1), "still bound to 5353");
        assertEquals(a, t.unbind(5353));
        assertNull(t.endpoint(1));
        assertNull(t.unbind(5353));
        assertNull(t.endpoint(-1));
        t.bind(53, new Probe(1));  // the id is free again
    }
}
