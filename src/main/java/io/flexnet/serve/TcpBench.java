// `flexnet tcp-bench`: TCP bulk goodput and request/response over the TAP to the stack, against the kernel over veth.
package io.flexnet.serve;

import io.flexnet.nic.TapNic;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.NetConfig;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.TcpTransport;
import io.flexnet.proto.tcp.Tcp;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures, in one run and with the same clients, TCP between the kernel and the stack over a TAP
 * against TCP between the kernel and itself over a veth pair:
 *
 * <pre>
 *   namespace A (clients)                                namespace B
 *   198.18.0.1 ── TAP ── this JVM's stack 198.18.0.2
 *   198.18.1.1 ── veth ───────────────────────────────── 198.18.1.2 (socat servers)
 * </pre>
 *
 * <ul>
 *   <li>bulk goodput, kernel → stack: {@code dd | socat -u - TCP:...:9} in A into the stack's discard
 *       service, against the same into socat's discard in B;
 *   <li>bulk goodput, stack → kernel: socat listening in A takes a stream socket's bytes from the stack,
 *       against the same bytes from {@code dd | socat} in B;
 *   <li>both again with nftables in A dropping the given share of TCP segments at random, both ways, on
 *       the TAP and the veth alike (the machine has no netem);
 *   <li>request/response: {@link TcpRrClient} in A, one connection to the stack's TCP echo and one to
 *       socat's echo in B, 64 bytes each way, one outstanding.
 * </ul>
 *
 * The kernel's congestion control is pinned to cubic on every route (a new namespace defaults to the
 * host's). Goodput runs from the sender's start to the receiver's end, including one process start on
 * both sides of every comparison.
 */
public final class TcpBench {
    public static final String KERNEL_IP = "198.18.0.1", STACK_IP = "198.18.0.2";
    public static final String VETH_A_IP = "198.18.1.1", VETH_B_IP = "198.18.1.2";
    static final int ECHO = 7, DISCARD = 9, SINK = 5001;
    private static final long TRANSFER_SECONDS = 300;

    /** What to measure. */
    public record Settings(long bulkBytes, int repeat, int lossPercent, int requests, int warmup, int rounds, int size,
            boolean busyPoll, Offload offload) {}

    /** What the TAP does for the stack: each step adds to the one before. */
    public enum Offload {
        /** A reader thread per queue hands frames over; every checksum in software. */
        NONE,
        /** The worker reads the TAP itself; transport checksums left partial both ways. */
        CSUM,
        /** And TCP super frames of up to 64 KiB both ways (TUN_F_TSO4 in, GSO_TCPV4 out), in jumbo slots. */
        TSO
    }

    /** Jumbo slots for super frames: enough for a send and a receive window's worth of 64 KiB frames. */
    static final int JUMBO_SLOTS = 256;

    private TcpBench() {}

    public static int run(Settings s, PrintWriter out) throws IOException, InterruptedException {
        String tag = Long.toString(ProcessHandle.current().pid());
        int stackIp = Ip4.parse(STACK_IP);
        NetConfig cfg = new NetConfig(EchoServer.defaultMac(stackIp), stackIp, 24, 0, NetConfig.DEFAULT_MTU);
        StackRuntime rt = RealRuntime.INSTANCE;
        int status = 0;
        try (PacketPool pool = s.offload() == Offload.TSO ? PacketPool.withJumbo(16384, JUMBO_SLOTS) : new PacketPool(16384);
             TapNic nic = s.offload() == Offload.NONE ? TapNic.open("fxt" + tag, pool)
                     : TapNic.openForWorkers("fxt" + tag, 1, pool, true, rt::nanoTime)) {
            EchoServer server = new EchoServer(nic, cfg, ECHO, s.busyPoll(), rt);
            TcpServices services = TcpServices.on(server, ECHO, DISCARD);
            TcpSockets tcp = new TcpSockets(TcpTransport.of(Tcp.of(server.stack())), rt);
            try (BenchNamespace a = BenchNamespace.create("fxtcpa-" + tag);
                 BenchNamespace b = BenchNamespace.create("fxtcpb-" + tag)) {
                Thread hook = new Thread(() -> {
                    a.close();
                    b.close();
                }, "tcp-bench-cleanup");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    a.adopt(nic.name(), KERNEL_IP + "/24");
                    a.veth("fxva", VETH_A_IP + "/24", b, "fxvb", VETH_B_IP + "/24");
                    cubic(a.name(), "198.18.0.0/24", nic.name());
                    cubic(a.name(), "198.18.1.0/24", "fxva");
                    cubic(b.name(), "198.18.1.0/24", "fxvb");
                    server.start();
                    services.start();
                    b.spawn(List.of("socat", "-u", "TCP-LISTEN:" + DISCARD + ",reuseaddr,fork", "OPEN:/dev/null"));
                    b.spawn(List.of("socat", "TCP-LISTEN:" + ECHO + ",reuseaddr,fork,nodelay", "PIPE"));
                    awaitListening(b, DISCARD);
                    awaitListening(b, ECHO);
                    out.printf(Locale.ROOT, "stack %s on %s (%s, offload %s) against the kernel over veth %s -> %s; cubic; %d MiB per transfer%n",
                            STACK_IP, nic.name(), s.busyPoll() ? "busy polling" : "sleeping until kicked",
                            s.offload().name().toLowerCase(Locale.ROOT), VETH_A_IP, VETH_B_IP, s.bulkBytes() >> 20);
                    // A transfer each way first, unmeasured, so the stack's code is compiled before it is timed.
                    intoStack(a, Math.min(s.bulkBytes(), 32L << 20), rt);
                    fromStack(a, tcp, Math.min(s.bulkBytes(), 32L << 20), rt);
                    out.printf(Locale.ROOT, "median of %d transfers each, stack and kernel taking turns%n", s.repeat());
                    out.printf(Locale.ROOT, "%-6s %-16s %14s %14s %7s%n", "loss", "direction", "stack MiB/s",
                            "kernel MiB/s", "ratio");
                    out.flush();
                    int[] losses = s.lossPercent() > 0 ? new int[] {0, s.lossPercent()} : new int[] {0};
                    for (int loss : losses) {
                        if (loss > 0) dropRandom(a.name(), loss);
                        double[] stackIn = new double[s.repeat()], kernelIn = new double[s.repeat()];
                        for (int i = 0; i < s.repeat(); i++) {
                            stackIn[i] = intoStack(a, s.bulkBytes(), rt);
                            kernelIn[i] = kernelToKernel(a, s.bulkBytes(), rt);
                        }
                        row(out, loss, "kernel -> stack", median(stackIn), median(kernelIn));
                        double[] stackOut = new double[s.repeat()], kernelOut = new double[s.repeat()];
                        for (int i = 0; i < s.repeat(); i++) {
                            stackOut[i] = fromStack(a, tcp, s.bulkBytes(), rt);
                            kernelOut[i] = fromKernelB(a, b, s.bulkBytes(), rt);
                        }
                        row(out, loss, "stack -> kernel", median(stackOut), median(kernelOut));
                        if (loss > 0) BenchNamespace.run("ip", "netns", "exec", a.name(), "nft", "delete", "table", "inet", "fxloss");
                    }
                    File table = File.createTempFile("flexnet-tcp-bench", ".txt");
                    try {
                        Process client = a.spawn(java(TcpRrClient.class, "--requests", Integer.toString(s.requests()),
                                "--warmup", Integer.toString(s.warmup()), "--rounds", Integer.toString(s.rounds()),
                                "--size", Integer.toString(s.size()), "flexnet=" + STACK_IP + ":" + ECHO,
                                "kernel=" + VETH_B_IP + ":" + ECHO), table);
                        boolean ended = client.waitFor(TRANSFER_SECONDS, TimeUnit.SECONDS);
                        status = ended ? client.exitValue() : 1;
                        out.print(Files.readString(table.toPath()));
                        if (!ended) out.println("the request/response client did not finish within " + TRANSFER_SECONDS + " s");
                    } finally {
                        table.delete();
                    }
                } finally {
                    services.stop();
                    server.stop();
                    nic.close();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook runs now and closes the namespaces itself
                    }
                }
            }
            out.print(server.report());
            out.print(services.report());
            out.flush();
        }
        return status;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static void row(PrintWriter out, int loss, String dir, double stack, double kernel) {
        out.printf(Locale.ROOT, "%-6s %-16s %14.1f %14.1f %7.2f%n", loss + "%", dir, stack, kernel, stack / kernel);
        out.flush();
    }

    private static void cubic(String ns, String net, String dev) {
        BenchNamespace.run("ip", "-n", ns, "route", "replace", net, "dev", dev, "congctl", "cubic");
    }

    /** nftables in {@code ns}: drop {@code percent} of TCP segments at random, out and in, on every interface but lo. */
    private static void dropRandom(String ns, int percent) {
        String[][] rules = {
            {"add", "table", "inet", "fxloss"},
            {"add", "chain", "inet", "fxloss", "out", "{", "type", "filter", "hook", "output", "priority", "0", ";", "}"},
            {"add", "chain", "inet", "fxloss", "in", "{", "type", "filter", "hook", "input", "priority", "0", ";", "}"},
            {"add", "rule", "inet", "fxloss", "out", "oifname", "!=", "lo", "meta", "l4proto", "tcp", "numgen", "random",
                "mod", "100", "<", Integer.toString(percent), "drop"},
            {"add", "rule", "inet", "fxloss", "in", "iifname", "!=", "lo", "meta", "l4proto", "tcp", "numgen", "random",
                "mod", "100", "<", Integer.toString(percent), "drop"}};
        for (String[] r : rules) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "nft"));
            cmd.addAll(List.of(r));
            BenchNamespace.run(cmd.toArray(String[]::new));
        }
    }

    private static String ddInto(long bytes, String ip, int port) {
        return "dd if=/dev/zero bs=1M count=" + (bytes >> 20) + " 2>/dev/null | socat -u - TCP:" + ip + ":" + port;
    }

    /** MiB/s of {@code dd | socat} from A into the stack's discard service. */
    private static double intoStack(BenchNamespace a, long bytes, StackRuntime rt) throws IOException, InterruptedException {
        long start = rt.nanoTime();
        finish(a.spawn(List.of("sh", "-c", ddInto(bytes, STACK_IP, DISCARD))), "kernel -> stack");
        return mibPerSecond(bytes, rt.nanoTime() - start);
    }

    /** MiB/s of the same client into socat's discard in B. */
    private static double kernelToKernel(BenchNamespace a, long bytes, StackRuntime rt) throws IOException, InterruptedException {
        long start = rt.nanoTime();
        finish(a.spawn(List.of("sh", "-c", ddInto(bytes, VETH_B_IP, DISCARD))), "kernel -> kernel");
        return mibPerSecond(bytes, rt.nanoTime() - start);
    }

    /** MiB/s of a stream socket's bytes into socat listening in A. */
    private static double fromStack(BenchNamespace a, TcpSockets tcp, long bytes, StackRuntime rt)
            throws IOException, InterruptedException {
        Process sink = a.spawn(List.of("socat", "-u", "TCP-LISTEN:" + SINK + ",reuseaddr", "OPEN:/dev/null"));
        awaitListening(a, SINK);
        long start = rt.nanoTime();
        TcpSocket c = tcp.open();
        if (!c.connect(Ip4.parse(KERNEL_IP), SINK, TimeUnit.SECONDS.toNanos(10))) {
            throw new IllegalStateException("the stack could not connect to " + KERNEL_IP + ":" + SINK);
        }
        byte[] zeros = new byte[64 * 1024];
        for (long done = 0; done < bytes; done += zeros.length) c.write(zeros, 0, (int) Math.min(zeros.length, bytes - done));
        c.close();
        finish(sink, "stack -> kernel");
        return mibPerSecond(bytes, rt.nanoTime() - start);
    }

    /** MiB/s of {@code dd | socat} in B into socat listening in A. */
    private static double fromKernelB(BenchNamespace a, BenchNamespace b, long bytes, StackRuntime rt)
            throws IOException, InterruptedException {
        Process sink = a.spawn(List.of("socat", "-u", "TCP-LISTEN:" + SINK + ",reuseaddr", "OPEN:/dev/null"));
        awaitListening(a, SINK);
        long start = rt.nanoTime();
        Process src = b.spawn(List.of("sh", "-c", ddInto(bytes, VETH_A_IP, SINK)));
        finish(sink, "kernel -> kernel (B -> A)");
        finish(src, "kernel -> kernel sender");
        return mibPerSecond(bytes, rt.nanoTime() - start);
    }

    private static void finish(Process p, String what) throws InterruptedException, IOException {
        if (!p.waitFor(TRANSFER_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not finish within " + TRANSFER_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(what + " exited " + p.exitValue() + ": "
                    + new String(p.getInputStream().readAllBytes()).trim());
        }
    }

    /** Waits until something listens on {@code port} in {@code ns} ({@code ss -ltn}), for at most ten seconds. */
    private static void awaitListening(BenchNamespace ns, int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            String ss = BenchNamespace.run("ip", "netns", "exec", ns.name(), "ss", "-Hltn", "sport", "=", ":" + port);
            if (!ss.isBlank()) return;
            RealRuntime.INSTANCE.park(50_000_000L);
        }
        throw new IllegalStateException("nothing listens on port " + port + " in " + ns.name());
    }

    private static double mibPerSecond(long bytes, long nanos) { return bytes / (double) (1 << 20) / (nanos / 1e9); }

    /** This JVM's java and class path, running {@code main} with a small heap. */
    private static List<String> java(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!cp.isEmpty()) cp.append(File.pathSeparator);
            cp.append(Path.of(e).toAbsolutePath());
        }
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx128m", "-cp", cp.toString(),
                main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
