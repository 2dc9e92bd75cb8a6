// `flexnet serve-bench`: UDP echo round trips over the TAP to the stack against the kernel's own UDP echo.
package io.flexnet.serve;

import io.flexnet.nic.TapNic;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.NetConfig;
import io.flexnet.runtime.RealRuntime;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds, in a throw-away network namespace, the same link the kernel-peer tests use — a TAP whose kernel
 * side is {@value #KERNEL_IP}/24 and whose other side is this JVM's {@link EchoServer} at
 * {@value #STACK_IP} — and runs one {@link EchoClient} in the namespace against three echo servers,
 * taking turns, so all are measured in one run by one client:
 * <ul>
 * <li>{@code flexnet}: the stack, across the TAP (kernel UDP, tun, the worker that reads the queue and
 *     runs the pipeline, tun again);</li>
 * <li>{@code kernel}: {@link KernelEcho} in a second namespace at {@value #VETH_ECHO_IP}, reached through
 *     a veth pair: another host's kernel UDP stack across a virtual link, like for like;</li>
 * <li>{@code kernel-lo}: {@link KernelEcho} on {@value #KERNEL_IP} in the client's own namespace, over
 *     loopback: the cheapest path there is.</li>
 * </ul>
 * The stack's TAP is read by its worker with checksum offload, as {@code flexnet serve} runs it. Prints
 * the client's table (the stack's rates as multiples of both kernels') and the stack's counters.
 */
public final class ServeBench {
    public static final String KERNEL_IP = "198.18.0.1";
    public static final String STACK_IP = "198.18.0.2";
    public static final int PREFIX = 24;
    public static final int PORT = 7;
    /** The veth pair's client end and the far namespace's echo. */
    public static final String VETH_CLIENT_IP = "198.19.0.1";
    public static final String VETH_ECHO_IP = "198.19.0.2";
    /** Longest the client may run; the requests asked for take a few seconds on a slow shared machine. */
    private static final long CLIENT_SECONDS = 300;

    /** What to measure; see {@link EchoClient} for the meaning of each. */
    public record Settings(int requests, int warmup, int rounds, int size, boolean busyPoll) {}

    private ServeBench() {}

    /**
     * Runs the comparison, printing to {@code out}; returns the client's exit status. Throws
     * {@link io.flexnet.nic.TapException} when the TAP cannot be opened.
     */
    public static int run(Settings s, PrintWriter out) throws IOException, InterruptedException {
        String tag = Long.toString(ProcessHandle.current().pid());
        int stackIp = Ip4.parse(STACK_IP);
        NetConfig cfg = new NetConfig(EchoServer.defaultMac(stackIp), stackIp, PREFIX, 0, NetConfig.DEFAULT_MTU);
        int status;
        // Closing order: the stack, the device, the namespace (with what runs in it), the pool.
        try (PacketPool pool = new PacketPool(2 * TapNic.DEFAULT_RX_CAPACITY);
             TapNic nic = TapNic.openForWorkers("fxb" + tag, 1, pool, true, RealRuntime.INSTANCE::nanoTime)) {
            EchoServer server = new EchoServer(nic, cfg, PORT, s.busyPoll(), RealRuntime.INSTANCE);
            try (BenchNamespace ns = BenchNamespace.create("fxbench-" + tag);
                 BenchNamespace far = BenchNamespace.create("fxbench-" + tag + "-k")) {
                Thread hook = new Thread(() -> {
                    ns.close();
                    far.close();
                }, "serve-bench-cleanup");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    ns.adopt(nic.name(), KERNEL_IP + "/" + PREFIX);
                    ns.veth("fxva" + tag, VETH_CLIENT_IP + "/" + PREFIX, far, "fxvb" + tag, VETH_ECHO_IP + "/" + PREFIX);
                    server.start();
                    out.printf("stack %s at %s on %s (%s, read by its worker); kernel echo %s:%d in namespace %s"
                            + " through a veth pair, and %s:%d over loopback in %s%n", STACK_IP,
                            MacAddress.format(cfg.mac()), nic.name(),
                            s.busyPoll() ? "busy polling" : "sleeping until a frame arrives", VETH_ECHO_IP, PORT,
                            far.name(), KERNEL_IP, PORT, ns.name());
                    out.flush();
                    Process echo = ns.spawn(java(KernelEcho.class, KERNEL_IP, Integer.toString(PORT),
                            Long.toString(CLIENT_SECONDS + 60)));
                    BenchNamespace.awaitLine(echo, "ready");
                    Process farEcho = far.spawn(java(KernelEcho.class, VETH_ECHO_IP, Integer.toString(PORT),
                            Long.toString(CLIENT_SECONDS + 60)));
                    BenchNamespace.awaitLine(farEcho, "ready");
                    File table = File.createTempFile("flexnet-serve-bench", ".txt");
                    try {
                        Process client = ns.spawn(java(EchoClient.class, "--requests", Integer.toString(s.requests()),
                                "--warmup", Integer.toString(s.warmup()), "--rounds", Integer.toString(s.rounds()),
                                "--size", Integer.toString(s.size()),
                                "flexnet=" + STACK_IP + ":" + PORT, "kernel=" + VETH_ECHO_IP + ":" + PORT,
                                "kernel-lo=" + KERNEL_IP + ":" + PORT), table);
                        boolean ended = client.waitFor(CLIENT_SECONDS, TimeUnit.SECONDS);
                        status = ended ? client.exitValue() : 1;
                        out.print(Files.readString(table.toPath()));
                        if (!ended) out.println("the client did not finish within " + CLIENT_SECONDS + " s");
                    } finally {
                        table.delete();
                    }
                } finally {
                    server.stop();
                    nic.close();  // idempotent; closed here so the report below counts what it held
                    removeHook(hook);
                }
            }
            out.print(server.report());
            out.flush();
        }
        return status;
    }

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

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs now and closes the namespace itself.
        }
    }
}
