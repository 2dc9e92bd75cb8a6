package io.flexnet.engine;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.proto.tcp.TcpConfig;
import io.flexnet.runtime.RealRuntime;
import java.util.function.Consumer;

/**
 * The far end of an engine's in-memory NIC for TCP tests: a stack of ours with TCP, driven by whoever
 * calls {@link #pump} (frames the engine transmitted go into it; what it sends is injected into the
 * NIC) — one thread, so the peer needs no workers of its own.
 */
final class TcpPeer {
    final PacketPool pool = new PacketPool(4096);
    final ProtoStack stack;
    final Tcp tcp;
    final InMemoryNic nic;
    final LayerContext cx = new LayerContext();

    TcpPeer(InMemoryNic nic, long mac, int ip, long engineMac, int engineIp) {
        this.nic = nic;
        stack = new ProtoStack(new NetConfig(mac, ip, 24, 0, 1500), pool, p -> {
            byte[] f = p.toBytes();
            p.release();
            while (!nic.inject(f)) Thread.onSpinWait();
        }, RealRuntime.INSTANCE);
        stack.arp().learn(engineIp, engineMac);
        tcp = Tcp.attach(stack, TcpConfig.defaults());
    }

    /** Moves what the engine transmitted into the peer (each frame shown to {@code seen} first) and runs its timers. */
    void pump(Consumer<Packet> seen) {
        cx.setNow(System.nanoTime());
        nic.drainTx(0, (q, p) -> {  // drainTx releases p afterwards
            seen.accept(p);
            byte[] f = p.toBytes();
            Packet in = pool.allocate(f, 0, f.length);
            if (in != null) stack.receive(in, cx);
        }, 256);
        tcp.tick(cx);
    }

    void pump() { pump(p -> { }); }
}
