// `flexnet serve`: the stack on a TAP device, answering pings and echoing UDP, for real kernel peers.
package io.flexnet.cli;

import io.flexnet.app.AppServer;
import io.flexnet.app.Http;
import io.flexnet.app.Resp;
import io.flexnet.app.StackAppServer;
import io.flexnet.nic.CapturingNic;
import io.flexnet.nic.NicDriver;
import io.flexnet.nic.PcapWriter;
import io.flexnet.nic.PcapngWriter;
import io.flexnet.nic.TapException;
import io.flexnet.nic.TapNic;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.NetConfig;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.serve.EchoServer;
import io.flexnet.serve.TcpServices;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Opens (creating) a TAP interface, serves it with an {@link EchoServer} until the duration ends or the
 * process is interrupted, then prints every counter. The kernel's side of the interface is configured
 * by the user, as for any TAP: give it an address in the same subnet and bring it up.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        sortOptions = false,
        description = {"Run the stack on a TAP device, answering real hosts (ping, UDP echo).",
                "",
                "It answers ARP and ping, echoes UDP on the echo port, and sends ICMP port unreachable",
                "for other ports; with --tcp-echo and --discard it serves TCP echo and discard to any",
                "number of connections; --http and --resp serve HTTP/1.1 and the Redis protocol. Counters are printed on exit (Ctrl-C or",
                "--duration). Needs root (CAP_NET_ADMIN) and /dev/net/tun.",
                "",
                "Example (as root): flexnet serve --tap fx0 --ip 198.18.0.2/24 &",
                "                   ip addr add 198.18.0.1/24 dev fx0 && ip link set fx0 up && ping 198.18.0.2"})
public final class ServeCommand implements Callable<Integer> {
    /** Jumbo slots for TCP super frames in flight: a few 64 KiB windows' worth (16 MiB). */
    static final int JUMBO_SLOTS = 256;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--tap", required = true, paramLabel = "NAME",
            description = "TAP interface to open, created if missing (at most 15 bytes).")
    String tap;

    @Option(names = "--ip", required = true, paramLabel = "ADDR/LEN", description = "The stack's address, e.g. 198.18.0.2/24.")
    String ip;

    @Option(names = "--mac", paramLabel = "MAC",
            description = "The stack's Ethernet address (default: 02:00 followed by the four bytes of --ip).")
    String mac;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Record every frame received and sent in this pcap file.")
    Path pcap;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this long; 0 (the default) serves until interrupted.")
    double duration;

    @Option(names = "--echo-port", paramLabel = "PORT", defaultValue = "7", description = "UDP port echoed (default: ${DEFAULT-VALUE}).")
    int echoPort;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "Queues of the TAP, each polled by its own worker (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--busy-poll", description = "Spin on the receive queues instead of sleeping until a frame arrives.")
    boolean busyPoll;

    @Option(names = "--tcp-echo", paramLabel = "PORT", defaultValue = "0",
            description = "Serve TCP echo (RFC 862) on this port, any number of connections (default: none).")
    int tcpEcho;

    @Option(names = "--discard", paramLabel = "PORT", defaultValue = "0",
            description = "Serve TCP discard (RFC 863) on this port, any number of connections (default: none).")
    int discard;

    @Option(names = "--http", paramLabel = "PORT", defaultValue = "0",
            description = "Serve HTTP/1.1 on this port: GET / and /bytes/N (default: none).")
    int http;

    @Option(names = "--resp", paramLabel = "PORT", defaultValue = "0",
            description = "Serve the Redis protocol (RESP2) on this port (default: none).")
    int resp;

    @Option(names = "--design", paramLabel = "NAME", defaultValue = "run-to-completion",
            description = "Where --http and --resp run: run-to-completion (on the stack's worker, right after the receive "
                    + "pipeline, no thread between a segment and its answer), in-place (on the worker too, and a request "
                    + "that arrives whole is answered at the pipeline's yield() in its own slot; one worker) or app-threads "
                    + "(each on a thread of its own, woken by the worker). Default: ${DEFAULT-VALUE}.")
    String design;
    /** --design run-to-completion: the applications are executors of the stack's worker. */
    private boolean onWorker;
    /** --design in-place: and answered at the receive pipeline's yield(), in the request's slot. */
    private boolean inPlace;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1024",
            description = "Most connections each of --http and --resp serves at once (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @CommandLine.Mixin CaptureOptions liveCapture = new CaptureOptions();

    @CommandLine.Mixin InterposeOptions interpose = new InterposeOptions();

    private final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        NetConfig cfg = config();
        interpose.check(spec.commandLine(), tap);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = liveCapture.toStdout() ? err : spec.commandLine().getOut();  // -w -: stdout is the capture's
        PcapngWriter live;
        try {
            live = liveCapture.open(spec.commandLine(), interpose.owners());
        } catch (IOException e) {
            err.println("flexnet serve: -w " + liveCapture.output + ": cannot write it: " + Reasons.of(e));
            err.flush();
            return 2;
        }
        // The capture file first: a path that cannot be written is the user's to fix, found before the
        // device is made.
        PcapWriter capture = null;
        if (pcap != null) {
            try {
                capture = PcapWriter.create(pcap);
            } catch (IOException e) {
                if (live != null) live.close();
                err.println("flexnet serve: --pcap " + pcap + ": cannot write it: " + Reasons.of(e));
                err.flush();
                return 2;
            }
        }
        // Jumbo slots let the TAP offer segmentation both ways: TCP super frames of up to 64 KiB.
        PacketPool pool = PacketPool.withJumbo(poolSlots(workers), JUMBO_SLOTS);
        TapNic device;
        try {
            // Each worker reads its queue itself and sleeps in poll(2) on it; the kernel and we leave
            // each other the transport sums (checksum offload) and TCP's segmentation.
            device = TapNic.openForWorkers(tap, workers, pool, true, RealRuntime.INSTANCE::nanoTime);
        } catch (TapException e) {
            pool.close();
            if (capture != null) capture.close();
            if (live != null) live.close();
            err.println("flexnet serve: cannot open TAP device " + tap + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        NicDriver nic = liveCapture.wrap(capture == null ? device : new CapturingNic(device, capture));
        nic = interpose.wrap(spec.commandLine(), nic);
        EchoServer server;
        try {
            server = new EchoServer(nic, cfg, echoPort, busyPoll, RealRuntime.INSTANCE, interpose.hooks(tap, echoPort));
        } catch (io.flexnet.interpose.BindRefusedException e) {  // the rules would starve the echo port
            nic.close();
            pool.close();
            err.println("flexnet serve: --filter " + interpose.filterFile + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        interpose.releaseHeldFrames(server);
        TcpServices tcp = tcpEcho != 0 || discard != 0 ? TcpServices.on(server, tcpEcho, discard) : null;
        List<AppServer> apps = new ArrayList<>();
        if (http != 0) apps.add(StackAppServer.on(server.engine(), server.stack(), new Http(), http, maxConnections));
        if (resp != 0) apps.add(StackAppServer.on(server.engine(), server.stack(), new Resp(), resp, maxConnections));
        Finish finish = new Finish(server, tcp, nic, pool, out);
        finish.apps = apps;
        Thread hook = new Thread(finish::run, "flexnet-serve-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        server.start();
        if (tcp != null) tcp.start();
        for (AppServer a : apps) {
            if (inPlace) server.serveInPlace((StackAppServer) a);
            else if (onWorker) ((StackAppServer) a).startOn(server.apps());
            else a.start();
        }
        interpose.openControl(server);
        interpose.reloadOnHangup(err);
        out.printf("serving %s as %s/%d at %s: ping, udp echo on port %d%s%s, %d %s%s%n", device.name(),
                Ip4.format(cfg.ip()), cfg.prefixLength(), MacAddress.format(cfg.mac()), echoPort,
                (tcpEcho != 0 ? ", tcp echo on port " + tcpEcho : "") + (http != 0 ? ", http on port " + http : "")
                        + (resp != 0 ? ", resp on port " + resp : ""),
                discard != 0 ? ", tcp discard on port " + discard : "",
                workers, workers == 1 ? "worker" : "workers", (busyPoll ? " busy polling" : "")
                        + (http != 0 || resp != 0 ? (inPlace ? ", applications answering in place on the worker"
                        : onWorker ? ", applications run to completion on the worker"
                        : ", applications on threads of their own") : ""));
        out.printf("kernel side: ip addr add ADDR/%d dev %s && ip link set %s up (or move it: ip link set %s netns NS)%n",
                cfg.prefixLength(), device.name(), device.name(), device.name());
        out.println(duration > 0 ? "stopping after " + duration + " s" : "stop with Ctrl-C");
        out.flush();
        device.onFailure(interrupted::countDown);  // a deleted TAP ends the run, loudly
        if (duration > 0) interrupted.await((long) (duration * 1e9), TimeUnit.NANOSECONDS);
        else interrupted.await();
        finish.run();
        liveCapture.report(out);
        interpose.report(out);
        interpose.close();
        out.flush();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run; it found the work done.
        }
        if (device.failure() != null) {
            err.println("flexnet serve: " + device.failure() + "; stopped");
            err.flush();
            return 1;
        }
        return 0;
    }

    /** Ends a running {@link #call()} as the duration would (for tests and embedders). */
    void interrupt() { interrupted.countDown(); }

    private NetConfig config() {
        CommandLine cl = spec.commandLine();
        if (workers < 1 || workers > TapNic.MAX_QUEUES) {
            throw new CommandLine.ParameterException(cl, "--workers must be in [1, " + TapNic.MAX_QUEUES + "], got " + workers);
        }
        if (echoPort < 1 || echoPort > 0xFFFF) {
            throw new CommandLine.ParameterException(cl, "--echo-port must be in [1, 65535], got " + echoPort);
        }
        if (!(duration >= 0)) throw new CommandLine.ParameterException(cl, "--duration must be >= 0, got " + duration);
        if (tcpEcho < 0 || tcpEcho > 0xFFFF) {
            throw new CommandLine.ParameterException(cl, "--tcp-echo must be in [1, 65535], got " + tcpEcho);
        }
        if (discard < 0 || discard > 0xFFFF) {
            throw new CommandLine.ParameterException(cl, "--discard must be in [1, 65535], got " + discard);
        }
        for (int[] p : new int[][] {{http, 'h'}, {resp, 'r'}}) {
            String name = p[1] == 'h' ? "--http" : "--resp";
            if (p[0] < 0 || p[0] > 0xFFFF) throw new CommandLine.ParameterException(cl, name + " must be in [1, 65535], got " + p[0]);
            if (p[0] != 0 && (p[0] == tcpEcho || p[0] == discard || p[1] == 'r' && p[0] == http)) {
                throw new CommandLine.ParameterException(cl, name + " port " + p[0] + " is taken by another service");
            }
        }
        if (maxConnections < 1) throw new CommandLine.ParameterException(cl, "--max-connections must be >= 1, got " + maxConnections);
        onWorker = switch (design) {
            case "run-to-completion", "in-place" -> true;
            case "app-threads" -> false;
            default -> throw new CommandLine.ParameterException(cl, "--design must be run-to-completion, in-place or"
                    + " app-threads, got '" + design + "'");
        };
        inPlace = design.equals("in-place");
        if (inPlace && workers != 1) {
            throw new CommandLine.ParameterException(cl, "--design in-place serves on the worker of the one receive queue:"
                    + " --workers must be 1, got " + workers);
        }
        if (tcpEcho != 0 && tcpEcho == discard) {
            throw new CommandLine.ParameterException(cl, "--tcp-echo and --discard must differ, both are " + tcpEcho);
        }
        try {
            // Without --mac the address is parsed once with a stand-in, so a bad --ip is reported as such.
            NetConfig c = NetConfig.parse(mac != null ? mac : "02:00:00:00:00:01", ip, null, NetConfig.DEFAULT_MTU);
            return mac != null ? c : new NetConfig(EchoServer.defaultMac(c.ip()), c.ip(), c.prefixLength(), 0, c.mtu());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--" + e.getMessage());
        }
    }

    /** Room for every receive ring to be full, and as much again for frames in flight and ARP's queue. */
    static int poolSlots(int queues) { return (queues + 1) * TapNic.DEFAULT_RX_CAPACITY; }

    /** Stops, closes and reports once, whichever comes first: the duration or a shutdown hook. */
    private static final class Finish implements Runnable {
        private final EchoServer server;
        private final TcpServices tcp;
        private final NicDriver nic;
        private final PacketPool pool;
        private final PrintWriter out;
        List<AppServer> apps = List.of();
        private boolean done;

        Finish(EchoServer server, TcpServices tcp, NicDriver nic, PacketPool pool, PrintWriter out) {
            this.server = server;
            this.tcp = tcp;
            this.nic = nic;
            this.pool = pool;
            this.out = out;
        }

        @Override
        public synchronized void run() {
            if (done) return;
            done = true;
            try {
                for (AppServer a : apps) a.stop();
                if (tcp != null) tcp.stop();  // first, so no connection changes while the stack stops
                server.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Closing the device counts what it still held as shutdown drops, so the report balances.
            nic.close();
            out.print(server.report());
            if (tcp != null) out.print(tcp.report());
            for (AppServer a : apps) out.print(a.report());
            out.flush();
            pool.close();
        }
    }
}
