// Test fixture: the stack on a TAP with the kernel as TCP peer in a throw-away namespace, cubic pinned.
package io.flexnet.serve;

import io.flexnet.nic.CapturingNic;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NicDriver;
import io.flexnet.nic.PcapWriter;
import io.flexnet.nic.TapNic;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.TcpTransport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link KernelPeer} served by an {@link EchoServer} (whose engine gives every stack TCP) as
 * {@value KernelPeer#STACK_IP}, with stream sockets over the stack's TCP ({@link #tcp}) and the kernel's
 * congestion control pinned to cubic on the route to the stack. {@link #close()} removes everything,
 * also when a test fails.
 */
final class TcpServedPeer implements AutoCloseable {
    final PacketPool pool;
    final KernelPeer peer;
    final CapturingNic capture;
    final EchoServer server;
    final TcpSockets tcp;
    private boolean stopped;

    private TcpServedPeer(PacketPool pool, KernelPeer peer, CapturingNic capture, EchoServer server) {
        this.pool = pool;
        this.peer = peer;
        this.capture = capture;
        this.server = server;
        this.tcp = new TcpSockets(TcpTransport.of(Tcp.of(server.stack())), RealRuntime.INSTANCE);
    }

    /** Call {@code NetNs.assumeAvailable()} first. {@code pcap} may be null. */
    static TcpServedPeer open(Path pcap) throws IOException { return open(pcap, null); }

    /** As {@link #open(Path)}, with a filter's hooks in the server's pipeline ({@code filters} may be null). */
    static TcpServedPeer open(Path pcap, java.util.function.Function<io.flexnet.proto.ProtoStack,
            io.flexnet.pipeline.Interposer[]> filters) throws IOException {
        // Room for the TAP's ring, both directions' windows of segments in flight, and ARP's queue.
        PacketPool pool = new PacketPool(8192);
        KernelPeer peer = null;
        try {
            peer = KernelPeer.open(pool, 1, TapNic.DEFAULT_RX_CAPACITY);
            KernelTcp.pinCubic(peer.ns(), peer.ifname());
            CapturingNic capture = pcap == null ? null : new CapturingNic(peer.nic(), PcapWriter.create(pcap));
            NicDriver nic = capture == null ? peer.nic() : capture;
            EchoServer server = new EchoServer(nic, new NetConfig(KernelPeer.STACK_MAC, KernelPeer.stackIp(),
                    KernelPeer.PREFIX, 0, NetConfig.DEFAULT_MTU), ServedPeer.ECHO_PORT, false, RealRuntime.INSTANCE, filters);
            server.start();
            return new TcpServedPeer(pool, peer, capture, server);
        } catch (IOException | RuntimeException | Error e) {
            if (peer != null) peer.close();
            pool.close();
            throw e;
        }
    }

    String ifname() { return peer.ifname(); }

    Tcp stackTcp() { return Tcp.of(server.stack()); }

    /** The server's report and the TCP's counters and states, for failure messages. */
    String report() {
        Tcp t = stackTcp();
        return server.report() + "  tcp      " + t.counters() + "\n  states   " + t.stateCounts() + "\n";
    }

    /**
     * Stops the stack and closes the device; returns the slots still in use, which must be 0: every
     * frame was sent, or dropped and counted, and no connection holds one.
     */
    int stop() throws InterruptedException {
        if (!stopped) {
            stopped = true;
            server.stop();
            if (capture != null) capture.close();
            else peer.nic().close();
        }
        return pool.inUse();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stop();
        } finally {
            try {
                peer.close();
            } finally {
                pool.close();
            }
        }
    }
}
