// Test fixture: a TapNic whose other end is the Linux kernel, configured inside a throw-away namespace.
package io.flexnet.nic;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Hosts;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Opens a TAP interface (in the root namespace, where the JVM is), moves it into a new {@link NetNs},
 * and gives the kernel's side {@link #KERNEL_IP}/24 there. The stack under test plays
 * {@link #STACK_IP} with {@link #STACK_MAC} on the driver. Tools run inside see the stack as a host on
 * their link: {@code peer.exec(Duration.ofSeconds(3), "ping", "-c", "1", "-W", "1", KernelPeer.STACK_IP)}.
 *
 * <pre>{@code
 * NetNs.assumeAvailable();
 * try (PacketPool pool = new PacketPool(256); KernelPeer peer = KernelPeer.open(pool)) {
 *     peer.send(Frame.arpRequest()...build());
 *     Packet reply = peer.await(Duration.ofSeconds(2), p -> Decoded.of(p).arp);
 * }
 * }</pre>
 */
public final class KernelPeer implements AutoCloseable {
    public static final String KERNEL_IP = "198.18.0.1";
    public static final String STACK_IP = "198.18.0.2";
    public static final int PREFIX = 24;
    /** Locally administered (second bit of the first byte set), so it can clash with no real card. */
    public static final long STACK_MAC = 0x02_00_C6_12_00_02L;

    private static final AtomicInteger SEQ = new AtomicInteger();

    private final TapNic nic;
    private final NetNs ns;
    private final long kernelMac;
    private final List<String> skipped = new ArrayList<>();

    private KernelPeer(TapNic nic, NetNs ns, long kernelMac) {
        this.nic = nic;
        this.ns = ns;
        this.kernelMac = kernelMac;
    }

    /** A fresh interface name, unique among the test JVMs on this machine: {@code fxPIDtN}, at most 15 bytes. */
    public static String uniqueName() {
        return "fx" + ProcessHandle.current().pid() + "t" + SEQ.incrementAndGet();
    }

    public static KernelPeer open(PacketPool pool) { return open(pool, 1, TapNic.DEFAULT_RX_CAPACITY); }

    /** Call {@link NetNs#assumeAvailable()} first, so a machine without root skips rather than fails. */
    public static KernelPeer open(PacketPool pool, int queues, int rxCapacity) {
        return adopt(TapNic.open(uniqueName(), queues, pool, rxCapacity, System::nanoTime));
    }

    /** As {@link #open(PacketPool, int, int)}, the queues read by whoever receives ({@link TapNic.RxMode#WORKER}). */
    public static KernelPeer openForWorkers(PacketPool pool, int queues, boolean checksumOffload) {
        return adopt(TapNic.openForWorkers(uniqueName(), queues, pool, checksumOffload, System::nanoTime));
    }

    private static KernelPeer adopt(TapNic nic) {
        NetNs ns = null;
        try {
            ns = NetNs.create();
            ns.adopt(nic.name());
            ns.configure(nic.name(), KERNEL_IP + "/" + PREFIX);
            return new KernelPeer(nic, ns, ns.mac(nic.name()));
        } catch (RuntimeException | Error e) {
            nic.close();
            if (ns != null) ns.close();
            throw e;
        }
    }

    public TapNic nic() { return nic; }
    public NetNs ns() { return ns; }
    /** The interface's name, inside the namespace. */
    public String ifname() { return nic.name(); }
    /** The MAC the kernel uses on its side of the TAP. */
    public long kernelMac() { return kernelMac; }
    public static int kernelIp() { return Hosts.ip(KERNEL_IP); }
    public static int stackIp() { return Hosts.ip(STACK_IP); }

    /** Tells the kernel that {@link #STACK_IP} is at {@link #STACK_MAC}, so it sends without asking ARP first. */
    public void teachNeighbour() {
        ns.ip("neigh", "replace", STACK_IP, "lladdr", Hosts.macText(STACK_MAC), "dev", ifname(), "nud", "permanent")
                .orFail();
    }

    /** Copies {@code frame} into a slot and transmits it on queue 0; false if the driver dropped it. */
    public boolean send(byte[] frame) { return send(0, frame); }

    public boolean send(int queue, byte[] frame) {
        Packet p = nic.pool().allocate(frame, 0, frame.length);
        if (p == null) throw new AssertionError("pool empty or frame longer than a slot");
        return nic.transmit(queue, p);
    }

    /**
     * Receives from every queue until a frame matches, then returns it (the caller releases it); null at
     * the deadline. Frames that do not match are released and listed by {@link #skipped()}.
     */
    public Packet await(Duration timeout, Predicate<Packet> match) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Packet[] one = new Packet[1];
        do {
            boolean any = false;
            // One frame at a time, so nothing after the match is taken from the driver.
            for (int q = 0; q < nic.rxQueues(); q++) {
                while (nic.receive(q, one, 1) == 1) {
                    any = true;
                    Packet p = one[0];
                    if (match.test(p)) return p;
                    skipped.add(Decoded.of(p).toString());
                    p.release();
                }
            }
            if (!any) LockSupport.parkNanos(200_000);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /** Frames {@link #await} received and threw away, for failure messages. */
    public List<String> skipped() { return List.copyOf(skipped); }

    /** Runs {@code command} inside the namespace. */
    public Shell.Result exec(Duration timeout, String... command) { return ns.exec(timeout, command); }

    /** Starts {@code command} inside the namespace in the background. */
    public Shell.Spawned spawn(String... command) { return ns.spawn(command); }

    /** Starts {@code command} inside the namespace in the background with {@code input} on its standard input. */
    public Shell.Spawned spawnWithInput(String input, String... command) { return ns.spawnWithInput(input, command); }

    /** Closes the driver (which removes the interface) and deletes the namespace. */
    @Override
    public void close() {
        try {
            nic.close();
        } finally {
            ns.close();
        }
    }
}
