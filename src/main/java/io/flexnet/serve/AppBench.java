// `flexnet app-bench`: the same HTTP and RESP code on the stack over a TAP and on the kernel's TCP, one client.
package io.flexnet.serve;

import io.flexnet.app.Http;
import io.flexnet.app.Resp;
import io.flexnet.app.StackAppServer;
import io.flexnet.app.NioServe;
import io.flexnet.netty.HelloWorld;
import io.flexnet.netty.StreamIoHandler;
import io.flexnet.nic.TapNic;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.TcpTransport;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures, in one run and with the same clients, the HTTP and RESP servers of {@code io.flexnet.app}
 * on two transports: {@link StackAppServer} on the stack over a TAP, and {@link io.flexnet.app.NioAppServer}
 * (in a JVM of its own, {@link NioServe}) on the kernel's TCP over a veth pair:
 *
 * <pre>
 *   namespace A (wrk, redis-benchmark)                   namespace B
 *   198.18.0.1 ── TAP ── this JVM's stack 198.18.0.2
 *   198.18.1.1 ── veth ───────────────────────────────── 198.18.1.2 (NioServe)
 * </pre>
 *
 * Each round runs every client against the stack, then against the kernel; the table shows the
 * median over rounds of requests/s and of p99 latency as the clients themselves report them. With
 * {@code netty}, Netty's hello-world server ({@link HelloWorld}) runs on both too, on port 8081: on
 * the stack through {@code io.flexnet.netty}'s channels, and in B through Netty's NIO transport, one
 * event loop each, measured with wrk like the HTTP server.
 */
public final class AppBench {
    static final String KERNEL_IP = "198.18.0.1", STACK_IP = "198.18.0.2", VETH_A_IP = "198.18.1.1", VETH_B_IP = "198.18.1.2";
    static final int HTTP = 8080, RESP = 6379, NETTY = 8081;
    private static final long CLIENT_SECONDS = 300;

    /** What to measure: wrk's seconds, connections and threads; redis-benchmark's requests, clients and pipeline. */
    public record Settings(int seconds, int connections, int threads, int requests, int clients, int pipeline, int rounds,
            boolean busyPoll, boolean netty, boolean onWorker, boolean inPlace) {}

    /** One client run: requests per second, p99 in milliseconds, and errors the client reported. */
    record Figures(double rps, double p99ms, long errors) {}

    private AppBench() {}

    public static int run(Settings s, PrintWriter out) throws IOException, InterruptedException {
        String tag = Long.toString(ProcessHandle.current().pid());
        int stackIp = Ip4.parse(STACK_IP);
        NetConfig cfg = new NetConfig(EchoServer.defaultMac(stackIp), stackIp, 24, 0, NetConfig.DEFAULT_MTU);
        StackRuntime rt = RealRuntime.INSTANCE;
        // The TAP as `flexnet serve` opens it: read by the worker, checksums and TCP segmentation offloaded.
        try (PacketPool pool = PacketPool.withJumbo(16384, TcpBench.JUMBO_SLOTS);
             TapNic nic = TapNic.openForWorkers("fxp" + tag, 1, pool, true, rt::nanoTime)) {
            EchoServer server = new EchoServer(nic, cfg, 7, s.busyPoll(), rt);
            StackAppServer http = StackAppServer.on(server.engine(), server.stack(), new Http(), HTTP, 1024);
            StackAppServer resp = StackAppServer.on(server.engine(), server.stack(), new Resp(), RESP, 1024);
            MultiThreadIoEventLoopGroup netty = s.netty()
                    ? new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(1024, rt)) : null;
            Map<String, List<Figures[]>> rows = new LinkedHashMap<>();
            try (BenchNamespace a = BenchNamespace.create("fxappa-" + tag);
                 BenchNamespace b = BenchNamespace.create("fxappb-" + tag)) {
                Thread hook = new Thread(() -> {
                    a.close();
                    b.close();
                }, "app-bench-cleanup");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    a.adopt(nic.name(), KERNEL_IP + "/24");
                    a.veth("fxva", VETH_A_IP + "/24", b, "fxvb", VETH_B_IP + "/24");
                    server.start();
                    if (s.inPlace()) {
                        server.serveInPlace(http);
                        server.serveInPlace(resp);
                    } else if (s.onWorker()) {
                        http.startOn(server.apps());
                        resp.startOn(server.apps());
                    } else {
                        http.start();
                        resp.start();
                    }
                    Process kernel = b.spawn(java(NioServe.class, VETH_B_IP, Integer.toString(HTTP), Integer.toString(RESP),
                            Long.toString(CLIENT_SECONDS * 4)));
                    BenchNamespace.awaitLine(kernel, "ready");
                    if (netty != null) {
                        HelloWorld.onStack(netty, new TcpSockets(TcpTransport.of(Tcp.of(server.stack())), rt), NETTY);
                        BenchNamespace.awaitLine(b.spawn(java(HelloWorld.class, VETH_B_IP, Integer.toString(NETTY),
                                Long.toString(CLIENT_SECONDS * 4))), "ready");
                    }
                    out.printf(Locale.ROOT, "the same HTTP and RESP code: stack %s on %s (%s) against the kernel's TCP "
                            + "through NIO at %s over veth; clients in one namespace%n", STACK_IP, nic.name(),
                            (s.busyPoll() ? "busy polling" : "sleeping until kicked")
                                    + (s.inPlace() ? ", servers answering in place on the worker" : s.onWorker()
                                    ? ", servers on the worker" : ", servers on threads of their own"), VETH_B_IP);
                    // Unmeasured runs first, so both JVMs' code is compiled before it is timed.
                    for (String ip : new String[] {STACK_IP, VETH_B_IP}) {
                        wrk(a, ip, HTTP, Math.min(2, s.seconds()), s);
                        if (netty != null) wrk(a, ip, NETTY, Math.min(2, s.seconds()), s);
                        redis(a, ip, "set,get", Math.min(50_000, s.requests()), s.pipeline(), s);
                    }
                    for (int r = 0; r < s.rounds(); r++) {
                        measure(rows, "wrk GET / (-c " + s.connections() + " -t " + s.threads() + ")",
                                wrk(a, STACK_IP, HTTP, s.seconds(), s), wrk(a, VETH_B_IP, HTTP, s.seconds(), s));
                        if (netty != null) {
                            measure(rows, "netty wrk GET / (-c " + s.connections() + " -t " + s.threads() + ")",
                                    wrk(a, STACK_IP, NETTY, s.seconds(), s), wrk(a, VETH_B_IP, NETTY, s.seconds(), s));
                        }
                        for (int p : new int[] {s.pipeline(), 1}) {
                            Map<String, Figures> st = redis(a, STACK_IP, "set,get", s.requests(), p, s);
                            Map<String, Figures> ke = redis(a, VETH_B_IP, "set,get", s.requests(), p, s);
                            for (String t : st.keySet()) {
                                measure(rows, "redis " + t + " (-c " + s.clients() + " -P " + p + ")", st.get(t), ke.get(t));
                            }
                        }
                    }
                    table(out, rows, s.rounds());
                } finally {
                    if (netty != null) netty.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
                    resp.stop();
                    http.stop();
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
            out.print(http.report());
            out.print(resp.report());
            out.flush();
        }
        return 0;
    }

    private static void measure(Map<String, List<Figures[]>> rows, String name, Figures stack, Figures kernel) {
        if (stack == null || kernel == null) throw new IllegalStateException(name + ": a client printed no figures");
        rows.computeIfAbsent(name, k -> new ArrayList<>()).add(new Figures[] {stack, kernel});
    }

    private static void table(PrintWriter out, Map<String, List<Figures[]>> rows, int rounds) {
        out.printf(Locale.ROOT, "median of %d rounds, stack and kernel taking turns%n", rounds);
        out.printf(Locale.ROOT, "%-34s %12s %9s %12s %9s %7s %7s%n", "client", "stack req/s", "p99 ms", "kernel req/s",
                "p99 ms", "ratio", "errors");
        rows.forEach((name, runs) -> {
            double srps = median(runs, 0, true), sp99 = median(runs, 0, false);
            double krps = median(runs, 1, true), kp99 = median(runs, 1, false);
            long errors = 0;
            for (Figures[] f : runs) errors += f[0].errors() + f[1].errors();
            out.printf(Locale.ROOT, "%-34s %12.0f %9.2f %12.0f %9.2f %7.2f %7d%n", name, srps, sp99, krps, kp99, srps / krps,
                    errors);
        });
        out.flush();
    }

    private static double median(List<Figures[]> runs, int side, boolean rps) {
        double[] v = new double[runs.size()];
        for (int i = 0; i < v.length; i++) v[i] = rps ? runs.get(i)[side].rps() : runs.get(i)[side].p99ms();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static final Pattern WRK_RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern WRK_P99 = Pattern.compile("(?m)^\\s+99%\\s+([0-9.]+)(us|ms|s)\\s*$");
    private static final Pattern WRK_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern WRK_NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    /** wrk's figures for {@code GET /} at {@code ip:port}. */
    static Figures wrk(BenchNamespace a, String ip, int port, int seconds, Settings s) throws IOException, InterruptedException {
        String text = client(a, List.of("wrk", "--latency", "-c", Integer.toString(s.connections()), "-t",
                Integer.toString(s.threads()), "-d", seconds + "s", "http://" + ip + ":" + port + "/"));
        return parseWrk(text);
    }

    static Figures parseWrk(String text) {
        Matcher rps = WRK_RPS.matcher(text), p99 = WRK_P99.matcher(text);
        if (!rps.find() || !p99.find()) throw new IllegalStateException("wrk printed no figures: " + text);
        double ms = Double.parseDouble(p99.group(1)) * switch (p99.group(2)) {
            case "us" -> 1e-3;
            case "s" -> 1e3;
            default -> 1;
        };
        long errors = 0;
        Matcher e = WRK_ERRORS.matcher(text);
        if (e.find()) for (int g = 1; g <= 4; g++) errors += Long.parseLong(e.group(g));
        Matcher n = WRK_NON2XX.matcher(text);
        if (n.find()) errors += Long.parseLong(n.group(1));
        return new Figures(Double.parseDouble(rps.group(1)), ms, errors);
    }

    /** redis-benchmark's figures per test ({@code SET}, {@code GET}) at {@code ip}. */
    static Map<String, Figures> redis(BenchNamespace a, String ip, String tests, int requests, int pipeline, Settings s)
            throws IOException, InterruptedException {
        String text = client(a, List.of("redis-benchmark", "-h", ip, "-p", Integer.toString(RESP), "--csv", "-t", tests,
                "-n", Integer.toString(requests), "-c", Integer.toString(s.clients()), "-P", Integer.toString(pipeline)));
        return parseRedis(text);
    }

    /** The CSV redis-benchmark prints: a header naming the columns, then a row per test. */
    static Map<String, Figures> parseRedis(String text) {
        Map<String, Figures> m = new LinkedHashMap<>();
        int rpsAt = -1, p99At = -1;
        long errors = text.toLowerCase(Locale.ROOT).contains("error") ? 1 : 0;
        for (String line : text.split("\r?\n|\r")) {
            String[] f = line.replace("\"", "").split(",");
            if (f.length < 2) continue;
            if (f[0].equals("test")) {
                rpsAt = List.of(f).indexOf("rps");
                p99At = List.of(f).indexOf("p99_latency_ms");
                continue;
            }
            if (rpsAt < 0 || p99At < 0 || f.length <= Math.max(rpsAt, p99At)) continue;
            m.put(f[0], new Figures(Double.parseDouble(f[rpsAt]), Double.parseDouble(f[p99At]), errors));
        }
        if (m.isEmpty()) throw new IllegalStateException("redis-benchmark printed no figures: " + text);
        return m;
    }

    /** Runs a client in A to its end and returns what it printed. */
    private static String client(BenchNamespace a, List<String> command) throws IOException, InterruptedException {
        File f = File.createTempFile("flexnet-app-bench", ".txt");
        try {
            Process p = a.spawn(command, f);
            if (!p.waitFor(CLIENT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + CLIENT_SECONDS + " s");
            }
            String text = Files.readString(f.toPath());
            if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + text);
            return text;
        } finally {
            f.delete();
        }
    }

    /** This JVM's java and class path, running {@code main}. */
    private static List<String> java(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!cp.isEmpty()) cp.append(File.pathSeparator);
            cp.append(Path.of(e).toAbsolutePath());
        }
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseParallelGC", "-Xmx512m", "-cp", cp.toString(), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
