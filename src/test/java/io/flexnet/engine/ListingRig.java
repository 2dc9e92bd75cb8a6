// The engine the listing tests run on: in-memory NIC, real layers, and the application of Listing 5.
package io.flexnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Application;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.RealRuntime;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What {@link ListingsTest} (UDP) and {@link TcpListingsTest} (TCP) share: before each test a fresh
 * pool, a one-queue {@link InMemoryNic} of as many slots, and an {@link Engine} at {@link #OUR_IP} that
 * already knows the peer's MAC; after it the engine is shut down, what it sent is dropped, and every
 * slot must be back in the pool. The listing's own pipelines, executors and peer are each test's.
 */
abstract class ListingRig {
    static final long OUR_MAC = MacAddress.parse("02:00:c6:12:00:02");
    static final long PEER_MAC = MacAddress.parse("02:00:c6:12:00:01");
    static final int OUR_IP = Ip4.parse("198.18.0.2");
    static final int PEER_IP = Ip4.parse("198.18.0.1");

    private final int slots;
    PacketPool pool;
    InMemoryNic nic;
    Engine engine;
    ProtoStack stack;

    /** {@code slots}: the pool's size, and the depth of the NIC's queue. */
    ListingRig(int slots) { this.slots = slots; }

    @BeforeEach
    final void startEngine() {
        pool = new PacketPool(slots);
        nic = InMemoryNic.builder(pool).queues(1).queueCapacity(slots).build();
        engine = new Engine(nic, new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), RealRuntime.INSTANCE);
        stack = engine.stack();
        stack.arp().learn(PEER_IP, PEER_MAC);
    }

    @AfterEach
    final void everySlotComesBack() throws InterruptedException {
        engine.shutdown(2000);
        nic.drainTx(0, (q, p) -> { }, Integer.MAX_VALUE);
        assertEquals(pool.capacity(), pool.available(), "pool balance; drops " + engine.dropsByReason());
        afterShutdown();
    }

    /** More to check once the engine is down and its pool balanced; nothing by default. */
    void afterShutdown() { }

    /**
     * Listing 5's upper layer: upper-cases the request where it lies and answers from the same slot,
     * noting each request's slot and the threads it ran on.
     */
    static Application upperCaseInPlace(Map<String, Integer> slotOfRequest, Set<String> appThreads) {
        return co -> {
            Packet p = co.packet();
            MemorySegment s = p.segment();
            byte[] req = s.asSlice(p.payloadOffset, p.payloadLength).toArray(ValueLayout.JAVA_BYTE);
            slotOfRequest.put(new String(req, StandardCharsets.US_ASCII), p.index());
            appThreads.add(Thread.currentThread().getName());
            for (int i = 0; i < p.payloadLength; i++) {
                byte b = s.get(ValueLayout.JAVA_BYTE, p.payloadOffset + i);
                s.set(ValueLayout.JAVA_BYTE, p.payloadOffset + i, (byte) Character.toUpperCase(b));
            }
            return Application.ANSWER;
        };
    }
}
