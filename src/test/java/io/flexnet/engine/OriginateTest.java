package io.flexnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.IcmpHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.CoroutineQueue.Concurrency;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.proto.LayerKind;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.RoundRobinExecutor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Datagrams the stack originates (here ICMP echo replies) leave through the stack's one output: run
 * inline by default, or moved onto an ORIGIN pipeline whose queue() point hands them to a worker of
 * the design's choosing.
 */
class OriginateTest {
    static final long OUR_MAC = MacAddress.parse("02:00:c6:12:00:02");
    static final long PEER_MAC = MacAddress.parse("02:00:c6:12:00:01");
    static final int OUR_IP = Ip4.parse("198.18.0.2");
    static final int PEER_IP = Ip4.parse("198.18.0.1");
    static final int PINGS = 2000;

    @Test
    void echoRepliesRunIpSendOnTheWorkerTheOriginPipelineChose() throws Exception {
        PacketPool pool = new PacketPool(4096);
        InMemoryNic nic = InMemoryNic.builder(pool).queues(1).queueCapacity(4096).build();
        Engine e = new Engine(nic, new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), RealRuntime.INSTANCE);
        ProtoStack stack = e.stack();
        stack.arp().learn(PEER_IP, PEER_MAC);
        Traced ipSend = new Traced(stack.ipSend());
        CoroutineQueue originated = e.queue("originated", 4096, Concurrency.SPSC);
        Pipeline origin = PipelineBuilder.origin("origin", stack::layer)
                .queue(p -> 0, originated).layer(ipSend).eth().build();
        e.originate(origin);
        e.poll(0, e.rx("rx").eth().ip().l4().socket().build(), 32, "nic", IdleStrategy.busySpin());
        e.worker("sender", IdleStrategy.busySpin(), new RoundRobinExecutor(originated));
        e.start();
        try {
            for (int i = 0; i < PINGS; i++) {
                while (!nic.inject(ping(i))) Thread.onSpinWait();
            }
            List<byte[]> replies = new ArrayList<>();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (replies.size() < PINGS && System.nanoTime() < deadline) {
                nic.drainTx(0, (q, p) -> replies.add(p.toBytes()), 256);  // drainTx releases each
                Thread.onSpinWait();
            }
            assertEquals(PINGS, replies.size(), "every echo answered; drops " + e.dropsByReason());
            for (byte[] r : replies) {
                MemorySegment s = MemorySegment.ofArray(r);
                assertEquals(IcmpHeader.TYPE_ECHO_REPLY, IcmpHeader.typeCode(s, 34) >>> 8);
                assertEquals(PEER_IP, Ipv4Header.dst(s, 14));
                assertTrue(Ipv4Header.checksumOk(s, 14));
            }
            assertEquals(PINGS, ipSend.calls.get());
            assertEquals(java.util.Set.of("flexnet-sender"), ipSend.threads, "ip_send ran only on the origin pipeline's worker");
            assertEquals(PINGS, stack.icmp().counters().get("echo-answered"));
        } finally {
            e.shutdown(1000);
            nic.drainTx(0, (q, p) -> { }, Integer.MAX_VALUE);
        }
        assertEquals(pool.capacity(), pool.available(), "pool balance; drops " + e.dropsByReason());
    }

    @Test
    void originateRefusesAPipelineOfAnotherTemplate() {
        PacketPool pool = new PacketPool(64);
        InMemoryNic nic = InMemoryNic.builder(pool).queues(1).build();
        Engine e = new Engine(nic, new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), RealRuntime.INSTANCE);
        Pipeline tx = e.tx("tx").socket().l4().ip().eth().build();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.originate(tx));
        assertTrue(x.getMessage().contains("ORIGIN"), x.getMessage());
        assertEquals(LayerKind.IP_SEND, io.flexnet.pipeline.Template.ORIGIN.layers().get(0));
    }

    /** An echo request from the peer to us, laid out by hand. */
    static byte[] ping(int seq) {
        byte[] f = new byte[14 + 20 + 8 + 16];
        MemorySegment s = MemorySegment.ofArray(f);
        EthernetHeader.write(s, 0, OUR_MAC, PEER_MAC, EthernetHeader.TYPE_IPV4);
        Ipv4Header.write(s, 14, 0, 20 + 8 + 16, seq, 0, 64, Ipv4Header.PROTO_ICMP, PEER_IP, OUR_IP);
        IcmpHeader.type(s, 34, IcmpHeader.TYPE_ECHO_REQUEST);
        IcmpHeader.code(s, 34, 0);
        IcmpHeader.unused(s, 34, (7 << 16) | (seq & 0xFFFF));
        for (int i = 0; i < 16; i++) f[42 + i] = (byte) i;
        IcmpHeader.fillChecksum(s, 34, 8 + 16);
        return f;
    }
}
