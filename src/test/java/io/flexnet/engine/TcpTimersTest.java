package io.flexnet.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.tcp.Listener;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.TcpConfig;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.sched.SleepUntilKicked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A running engine's TCP timers fire with nobody but the engine's timer thread to drive them: data the
 * application does not read is acknowledged by the delayed-ACK timer alone.
 */
class TcpTimersTest {
    static final long OUR_MAC = MacAddress.parse("02:00:c6:12:00:02"), PEER_MAC = MacAddress.parse("02:00:c6:12:00:01");
    static final int OUR_IP = Ip4.parse("198.18.0.2"), PEER_IP = Ip4.parse("198.18.0.1");

    @Test
    @Timeout(30)
    void theDelayedAckTimerFiresInARunningEngine() throws Exception {
        PacketPool pool = new PacketPool(1024);
        InMemoryNic nic = InMemoryNic.builder(pool).queues(1).queueCapacity(1024).build();
        Engine engine = new Engine(nic, new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), RealRuntime.INSTANCE,
                TcpConfig.defaults().withQuickAcks(0));
        engine.stack().arp().learn(PEER_IP, PEER_MAC);
        Listener l = engine.tcp().listen(9, 4);
        Pipeline rx = engine.rx("rx").eth().ip().l4().socket().build();
        engine.poll(0, rx, 32, "nic", new SleepUntilKicked());
        engine.start();
        TcpPeer peer = new TcpPeer(nic, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP);
        StreamConnection c = peer.tcp.connect(OUR_IP, 9);
        while (c.state() != TcpState.ESTABLISHED || l.pending() == 0) peer.pump();
        int free = c.writable();
        assertEquals(100, c.write(new byte[100], 0, 100));
        while (c.writable() != free) peer.pump();  // acknowledged: the send buffer is empty again
        assertEquals(1, engine.tcp().counters().get("delayed-acks"), "the ACK came from the timer");
        c.abort();
        while (engine.tcp().connections() != 0 || nic.rxDepth(0) != 0) peer.pump();
        engine.shutdown(1000);
        nic.drainTx(0, (q, p) -> { }, Integer.MAX_VALUE);
        assertEquals(pool.capacity(), pool.available(), "drops " + engine.dropsByReason());
    }
}
