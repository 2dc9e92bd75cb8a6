package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.runtime.ManualClock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.PacketPool;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Assembly of the layers: order, kinds, drop reports, pool checks. */
class ProtoStackTest {

    @Test
    void ordersLayersAsThePaperNamesThem() {
        try (Harness h = new Harness()) {
            assertArrayEquals(new String[] {"eth_rcv", "ip_rcv", "l4_rcv", "socket_rcv"},
                    Arrays.stream(h.stack.rxLayers()).map(Layer::name).toArray());
            assertArrayEquals(new String[] {"socket_send", "l4_send", "ip_send", "eth_send"},
                    Arrays.stream(h.stack.txLayers()).map(Layer::name).toArray());
            LayerKind[] kinds = LayerKind.values();
            Layer[] all = new Layer[8];
            System.arraycopy(h.stack.rxLayers(), 0, all, 0, 4);
            System.arraycopy(h.stack.txLayers(), 0, all, 4, 4);
            for (int i = 0; i < 8; i++) assertEquals(kinds[i], all[i].kind());
        }
    }

    @Test
    void sumsDropsOfAllLayersByReason() {
        try (Harness h = new Harness()) {
            h.receive(new byte[10]);                                  // eth_rcv: truncated
            h.receive(Frame.ethernet(0x86DD).from(PEER).to(US).payload(40).build());  // eth_rcv: unknown ethertype
            h.receive(Frame.udp().from(PEER).to(US).ports(1, 2).payload(Frame.bytes(4))
                    .build());                       // udp_rcv: no socket (+ port unreachable)
            h.receive(Frame.udp().from(PEER).to(US).ports(1, 3).payload(Frame.bytes(4)).build());
            Map<String, Long> drops = h.stack.dropsByReason();
            assertEquals(1L, drops.get("truncated"));
            assertEquals(1L, drops.get("unknown-ethertype"));
            assertEquals(2L, drops.get("no-socket"));
            assertEquals(3, drops.size(), drops.toString());
            assertEquals(4, h.stack.ethRcv().in());
            assertEquals(2, h.stack.ethRcv().out());
        }
    }

    @Test
    void refusesAPoolTooSmallForTheMtu() {
        try (PacketPool small = new PacketPool(4, 1024, 128)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ProtoStack(Hosts.config(), small, p -> p.release(), new ManualClock()));
            assertTrue(e.getMessage().startsWith("pool:"), e.getMessage());
        }
    }
}
