// Test fixture: the echo server on a TAP whose other side is the kernel in a throw-away namespace.
package io.flexnet.serve;

import io.flexnet.nic.CapturingNic;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NicDriver;
import io.flexnet.nic.PcapWriter;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Interposer;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.RealRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link KernelPeer} (kernel at {@value KernelPeer#KERNEL_IP}/24 inside a new namespace) served by an
 * {@link EchoServer} as {@value KernelPeer#STACK_IP}, optionally recording the stack's own pcap. The
 * kernel is not taught the stack's MAC: it must ask by ARP. {@link #close()} removes everything, also
 * when a test fails.
 */
final class ServedPeer implements AutoCloseable {
    static final int ECHO_PORT = 7;

    final PacketPool pool;
    final KernelPeer peer;
    final CapturingNic capture;
    final EchoServer server;
    private boolean stopped;

    private ServedPeer(PacketPool pool, KernelPeer peer, CapturingNic capture, EchoServer server) {
        this.pool = pool;
        this.peer = peer;
        this.capture = capture;
        this.server = server;
    }

    /** Call {@code NetNs.assumeAvailable()} first. {@code pcap} may be null. */
    static ServedPeer open(Path pcap) throws IOException {
        // As `flexnet serve` opens its device: the queue read by the worker, checksums offloaded.
        return open(pcap, 512, pool -> KernelPeer.openForWorkers(pool, 1, true), peer -> {}, null);
    }

    /**
     * The general form, for fixtures built on this one: a pool of {@code slots}, the peer opened by
     * {@code openPeer}, {@code prepare} run on the kernel side before the stack starts, and a filter's
     * hooks in the server's pipeline ({@code filters} may be null). On any failure what was opened is
     * closed again.
     */
    static ServedPeer open(Path pcap, int slots, Function<PacketPool, KernelPeer> openPeer,
                           Consumer<KernelPeer> prepare, Function<ProtoStack, Interposer[]> filters)
            throws IOException {
        return open(pcap, new PacketPool(slots), openPeer, prepare, filters);
    }

    /** As the general form, with a pool of the caller's (jumbo slots, say), which the fixture then owns. */
    static ServedPeer open(Path pcap, PacketPool pool, Function<PacketPool, KernelPeer> openPeer,
                           Consumer<KernelPeer> prepare, Function<ProtoStack, Interposer[]> filters)
            throws IOException {
        KernelPeer peer = null;
        try {
            peer = openPeer.apply(pool);
            prepare.accept(peer);
            CapturingNic capture = pcap == null ? null : new CapturingNic(peer.nic(), PcapWriter.create(pcap));
            NicDriver nic = capture == null ? peer.nic() : capture;
            EchoServer server = new EchoServer(nic, new NetConfig(KernelPeer.STACK_MAC, KernelPeer.stackIp(),
                    KernelPeer.PREFIX, 0, NetConfig.DEFAULT_MTU), ECHO_PORT, false, RealRuntime.INSTANCE, filters);
            server.start();
            return new ServedPeer(pool, peer, capture, server);
        } catch (IOException | RuntimeException | Error e) {
            if (peer != null) peer.close();
            pool.close();
            throw e;
        }
    }

    String ifname() { return peer.ifname(); }

    /**
     * Stops the stack and closes the device (flushing the capture); returns the slots still in use,
     * which must be 0: every frame was sent, or dropped and counted.
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
