// Test fixture: the stack on a TAP with the kernel as TCP peer in a throw-away namespace, cubic pinned.
package io.flexnet.serve;

import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.TapNic;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Interposer;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.TcpTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A {@link ServedPeer} whose engine gives every stack TCP, with stream sockets over the stack's TCP
 * ({@link #tcp}) and the kernel's congestion control pinned to cubic on the route to the stack.
 * {@link #close()} removes everything, also when a test fails.
 */
final class TcpServedPeer implements AutoCloseable {
    final KernelPeer peer;
    final EchoServer server;
    final TcpSockets tcp;
    private final ServedPeer served;

    private TcpServedPeer(ServedPeer served) {
        this.served = served;
        this.peer = served.peer;
        this.server = served.server;
        this.tcp = new TcpSockets(TcpTransport.of(Tcp.of(server.stack())), RealRuntime.INSTANCE);
    }

    /** Call {@code NetNs.assumeAvailable()} first. {@code pcap} may be null. */
    static TcpServedPeer open(Path pcap) throws IOException { return open(pcap, null); }

    /** As {@link #open(Path)}, with a filter's hooks in the server's pipeline ({@code filters} may be null). */
    static TcpServedPeer open(Path pcap, Function<ProtoStack, Interposer[]> filters) throws IOException {
        // Room for the TAP's ring, both directions' windows of segments in flight, and ARP's queue.
        return new TcpServedPeer(ServedPeer.open(pcap, 8192,
                pool -> KernelPeer.open(pool, 1, TapNic.DEFAULT_RX_CAPACITY),
                peer -> KernelTcp.pinCubic(peer.ns(), peer.ifname()), filters));
    }

    /**
     * As {@link #open(Path)} with the TAP as {@code flexnet serve} opens it, plus segmentation offload:
     * the worker reads the queue, checksums are left partial, and TCP super frames of up to 64 KiB
     * travel both ways in jumbo slots.
     */
    static TcpServedPeer openWithSegmentationOffload() throws IOException { return openWithSegmentationOffload(256); }

    /** As {@link #openWithSegmentationOffload()} with {@code jumboSlots} jumbo slots in the pool. */
    static TcpServedPeer openWithSegmentationOffload(int jumboSlots) throws IOException {
        return new TcpServedPeer(ServedPeer.open(null, PacketPool.withJumbo(8192, jumboSlots),
                pool -> KernelPeer.openForWorkers(pool, 1, true),
                peer -> KernelTcp.pinCubic(peer.ns(), peer.ifname()), null));
    }

    String ifname() { return served.ifname(); }

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
    int stop() throws InterruptedException { return served.stop(); }

    @Override
    public void close() throws InterruptedException { served.close(); }
}
