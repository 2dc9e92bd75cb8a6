// Built-in design: Syrup's setting, socket servers on application threads sharing a port, a matching policy picking the socket.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.packet.DropCounters;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.policy.FiveTupleHash;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.PolicyMap;
import io.flexnet.policy.ScanAvoid;
import io.flexnet.policy.Sita;
import io.flexnet.policy.Tenant;
import io.flexnet.policy.Tenants;
import io.flexnet.policy.TokenAgent;
import io.flexnet.policy.TokenBased;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.SleepUntilKicked;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.socket.RecvMode;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.TcpTransport;
import io.flexnet.socket.Sockets;
import io.flexnet.socket.UdpSocket;

/**
 * {@code socket-group}: the setting of Syrup's experiments. For each request port, {@code threads}
 * application threads each own a UDP socket bound to the port with SO_REUSEPORT, receive (sleeping
 * until a datagram arrives, or busy polling), serve the request and send the reply through the send
 * layers on their own thread. Each is a stack worker running a {@link SocketServer}, so the same
 * design runs on the real runtime's threads and the simulated runtime's cores. The stack's receive side runs to completion up to {@code socket_rcv} on a NIC
 * poller (Linux's softirq), where the port group picks a socket per datagram with the tenant's
 * matching policy:
 * <ul>
 *   <li>{@code vanilla}: the five-tuple hash, as Linux does ({@link FiveTupleHash}: the NIC's RSS hash,
 *       the same every run); with {@code hash_secret}, Linux's own {@code udp_ehashfn} with that
 *       boot secret ({@link io.flexnet.policy.ReuseportHash}), so a file can show how the spread of
 *       few flows changes from boot to boot;
 *   <li>{@code round-robin} ({@link io.flexnet.policy.RoundRobinPolicy});
 *   <li>{@code sita}: SCANs to socket 0, GETs round robin over the others ({@link Sita});
 *   <li>{@code scan-avoid}: the next socket whose thread is not serving a SCAN, which the threads
 *       mark in the policy's map ({@link ScanAvoid}).
 *   <li>{@code token-based}: Syrup's admission by tokens (§5.2.2, {@link TokenBased}), admitted
 *       requests round robin. Each request class is a user (the generator writes the class's number,
 *       from 1, as the user id); a {@link TokenAgent} gives user {@code ls_user} {@code tokens_per_s}
 *       tokens a second in epochs of {@code token_epoch} and hands what it left unspent to user
 *       {@code be_user}; requests of a user out of tokens are dropped ({@code policy-drop}).
 * </ul>
 *
 * <p>Parameters: {@code policy} (default vanilla), {@code threads} per port (default 2), {@code recv}
 * ({@code blocking} default, or {@code busy-poll}), {@code socket_queue} (datagrams a socket holds,
 * default 256), {@code ebpf} (default false: run the policy's C twin from {@code src/main/bpf}, compiled
 * into {@code target/bpf} by the build, or the directory in system property {@code flexnet.bpf},
 * loaded, verified and compiled as an untrusted tenant's would be; the C policies serve 4 sockets);
 * for {@code token-based}: {@code tokens_per_s} (default 350000), {@code token_epoch} (default 100us),
 * {@code ls_user} (default 1) and {@code be_user} (default 2).
 *
 * <p>Where the threads run: by default wherever the OS puts them. {@code pin_threads: true} keeps the
 * NIC poller on the last core and spreads the socket threads over the others, thread i on core
 * i mod (cores - 1), as Linux's balancer would settle them. {@code thread_scheduling: priority} is
 * Syrup's thread-to-core hook instead (Figure 8, after ghOSt): a core scheduler every
 * {@code sched_period} (default 10us) matches threads to all but the last two cores (one is the
 * scheduling agent's, as ghOSt's spinning agent takes one; the last the poller's) with
 * {@link PriorityThreads}: threads not in a SCAN first, and a SCAN thread preempted at its next chunk
 * of {@code preempt_chunk} (default 10us) of work.
 */
public final class SocketGroup implements Design {
    private String policy;
    private int threads;
    private String recv;
    private int socketQueue;
    private boolean ebpf;
    private int tokensPerSecond;
    private long tokenEpochNanos;
    private int lsUser;
    private int beUser;
    private boolean pinThreads;
    private Integer hashSecret;
    private boolean threadScheduling;
    private long schedPeriod;
    private long preemptChunk;

    @Override
    public void configure(Params p) {
        policy = p.choice("policy", "vanilla", "vanilla", "round-robin", "sita", "scan-avoid", "token-based");
        threads = p.integer("threads", 2, 1, 256);
        recv = p.choice("recv", "blocking", "blocking", "busy-poll");
        socketQueue = p.integer("socket_queue", 256, 2, 1 << 16);
        ebpf = p.flag("ebpf", false);
        tokensPerSecond = p.integer("tokens_per_s", 350_000, 1, 1_000_000_000);
        tokenEpochNanos = p.duration("token_epoch", 100_000);
        lsUser = p.integer("ls_user", 1, 1, 1 << 20);
        beUser = p.integer("be_user", 2, 1, 1 << 20);
        if (policy.equals("token-based") && lsUser == beUser) {
            throw new ParamException(p.line("be_user"), "design " + p.owner() + ": ls_user and be_user must differ");
        }
        if (policy.equals("token-based") && ebpf) {
            throw new ParamException(p.line("ebpf"), "design " + p.owner() + ": token-based has no eBPF twin");
        }
        pinThreads = p.flag("pin_threads", false);
        hashSecret = p.has("hash_secret") ? p.integer("hash_secret", 0, 0, Integer.MAX_VALUE) : null;
        if (hashSecret != null && !policy.equals("vanilla")) {
            throw new ParamException(p.line("hash_secret"), "design " + p.owner() + ": hash_secret is vanilla's");
        }
        threadScheduling = p.choice("thread_scheduling", "none", "none", "priority").equals("priority");
        schedPeriod = p.duration("sched_period", 10_000);
        preemptChunk = p.duration("preempt_chunk", threadScheduling ? 10_000 : 0);
        if (threadScheduling && (schedPeriod <= 0 || preemptChunk <= 0)) {
            throw new ParamException(p.line("sched_period"), "design " + p.owner() + ": sched_period and preempt_chunk must be positive");
        }
        if (policy.equals("token-based") && tokenEpochNanos <= 0) {
            throw new ParamException(p.line("token_epoch"), "design " + p.owner() + ": token_epoch must be positive");
        }
        if (ebpf && policy.equals("vanilla")) {
            throw new ParamException(p.line("ebpf"), "design " + p.owner() + ": ebpf needs policy round-robin, sita or scan-avoid");
        }
        if (ebpf && threads != 4) {
            throw new ParamException(p.line("threads"), "design " + p.owner() + ": the eBPF policies are compiled for 4 sockets (NR_SOCKS); set threads: 4");
        }
        if (policy.equals("sita") && threads < 2) {
            throw new ParamException(p.line("threads"), "design " + p.owner() + ": sita reserves a socket for SCANs and needs threads >= 2");
        }
    }

    @Override
    public void assemble(DesignContext ctx) {
        Engine e = ctx.engine();
        Tenants tenants = new Tenants();
        Tenant app = tenants.register("app", ctx.ports());
        PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
        MatchingPolicy chosen = ebpf ? bpf(policy) : switch (policy) {
            case "round-robin" -> new io.flexnet.policy.RoundRobinPolicy();
            case "sita" -> new Sita();
            case "scan-avoid" -> new ScanAvoid(threads);
            case "token-based" -> new TokenBased(new io.flexnet.policy.RoundRobinPolicy(), 64);
            default -> hashSecret != null ? new io.flexnet.policy.ReuseportHash(hashSecret) : new FiveTupleHash();
        };
        app.deploy(hook, chosen);
        if (policy.equals("token-based")) {
            long perEpoch = Math.round(tokensPerSecond * (tokenEpochNanos / 1e9));
            TokenAgent agent = new TokenAgent(app.map(TokenBased.MAP), new int[] {lsUser}, new long[] {perEpoch}, beUser);
            ctx.onStop(agent.start(ctx.runtime(), tokenEpochNanos));
        }
        PolicyMap busy = policy.equals("scan-avoid") ? app.map(ScanAvoid.MAP) : null;
        ctx.onStop(tenants);
        DropCounters unsent = new DropCounters("socket-servers");
        ctx.countDrops(unsent);
        int machine = ctx.machineCores();
        if ((pinThreads || threadScheduling) && machine < (threadScheduling ? 3 : 2)) {
            throw new IllegalArgumentException("pinning threads needs at least " + (threadScheduling ? 3 : 2)
                    + " cores, has " + machine);
        }
        java.util.List<io.flexnet.sched.Worker> appWorkers = new java.util.ArrayList<>();
        java.util.List<SocketServer> servers = new java.util.ArrayList<>();
        if (ctx.tcp()) {
            tcpServers(ctx, e, hook, unsent, machine, appWorkers);
        } else {
            udpServers(ctx, e, hook, busy, unsent, machine, appWorkers, servers);
        }
        Pipeline rx = e.rx("sockets").eth().ip().l4().socket().build();
        io.flexnet.sched.Worker softirq = e.poll(0, rx, 32, "softirq", new SleepUntilKicked());
        if (pinThreads || threadScheduling) softirq.requestCore(machine - 1);
        if (threadScheduling) {
            int[] appCores = new int[machine - 2];
            for (int i = 0; i < appCores.length; i++) appCores[i] = i;
            PriorityThreads policy = new PriorityThreads(servers.toArray(SocketServer[]::new), appCores);
            ctx.scheduler(io.flexnet.sched.CoreScheduler.builder(ctx.runtime(), new io.flexnet.sched.CoreMatching(policy, appCores))
                    .workers(appWorkers)
                    .cores(appCores)
                    .periodNanos(schedPeriod)
                    .build());
        }
    }

    /** Over UDP: each thread a SO_REUSEPORT socket, the socket chosen per datagram by the hook's policy. */
    private void udpServers(DesignContext ctx, Engine e, PolicyHook hook, PolicyMap busy, DropCounters unsent, int machine,
                            java.util.List<io.flexnet.sched.Worker> appWorkers, java.util.List<SocketServer> servers) {
        Sockets sockets = new Sockets(e.stack()).socketHook(hook);
        for (int port : ctx.ports()) {
            for (int i = 0; i < threads; i++) {
                // The worker sleeps until an arrival kicks it (blocking receive) or spins (busy polling);
                // the socket itself is read without blocking.
                UdpSocket s = sockets.open(socketQueue).reusePort(true).mode(RecvMode.NON_BLOCKING);
                s.bind(port);
                ctx.onStop(s);
                ctx.countDrops(s.drops());
                SocketServer server = new SocketServer(s, ctx.server(), busy, unsent, preemptChunk);
                io.flexnet.sched.Worker w = e.worker("app-" + port + "-" + i,
                        recv.equals("busy-poll") ? IdleStrategy.busySpin() : new SleepUntilKicked(), server);
                if (pinThreads && !threadScheduling) w.requestCore(appWorkers.size() % (machine - 1));
                appWorkers.add(w);
                servers.add(server);
            }
        }
        for (int port : ctx.ports()) ctx.countDrops(sockets.group(port).drops());
    }

    /**
     * Over TCP: each thread owns a SO_REUSEPORT listening socket on the port; the port group places each
     * new connection with one of them by the hook's policy, once, at the handshake (Syrup's Socket
     * Select for TCP), and the thread serves that connection's requests from then on. A policy that
     * chooses per request by what the request says has nothing to read at the handshake: refused.
     */
    private void tcpServers(DesignContext ctx, Engine e, PolicyHook hook, DropCounters unsent, int machine,
                            java.util.List<io.flexnet.sched.Worker> appWorkers) {
        if (!policy.equals("vanilla") && !policy.equals("round-robin")) {
            throw new IllegalArgumentException("over TCP the socket is chosen once per connection, at its handshake, where "
                    + policy + " has no request to read: use policy vanilla or round-robin");
        }
        if (threadScheduling) {
            throw new IllegalArgumentException("over TCP thread_scheduling is not supported: a TCP server thread serves whole connections");
        }
        TcpSockets sockets = new TcpSockets(TcpTransport.of(Tcp.of(e.stack())), ctx.runtime()).socketHook(hook);
        for (int port : ctx.ports()) {
            for (int i = 0; i < threads; i++) {
                TcpListenSocket l = sockets.openListener().reusePort(true).mode(RecvMode.NON_BLOCKING).listen(port, 1024);
                ctx.onStop(l);
                StreamSocketServer server = new StreamSocketServer(l, ctx.server(), ctx.runtime(), unsent);
                io.flexnet.sched.Worker w = e.worker("app-" + port + "-" + i,
                        recv.equals("busy-poll") ? IdleStrategy.busySpin() : new SleepUntilKicked(), server);
                if (pinThreads) w.requestCore(appWorkers.size() % (machine - 1));
                appWorkers.add(w);
            }
        }
    }

    /** The policy's C twin, loaded from its object file, verified and compiled. */
    private static MatchingPolicy bpf(String policy) {
        java.nio.file.Path o = java.nio.file.Path.of(System.getProperty("flexnet.bpf", "target/bpf"), policy.replace('-', '_') + ".o");
        try {
            return io.flexnet.ebpf.BpfPolicy.load(o);
        } catch (io.flexnet.ebpf.BpfLoadException e) {
            throw new IllegalStateException("eBPF policy " + o + ": " + e.getMessage() + " (src/main/bpf/build compiles the objects)", e);
        }
    }

    @Override
    public String summary() {
        return "socket servers: " + threads + " application thread" + (threads == 1 ? "" : "s")
                + " per port, each with a SO_REUSEPORT socket (" + recv + " receive); socket chosen by "
                + policy + (hashSecret != null ? " (Linux's udp_ehashfn, secret " + hashSecret + ")" : "")
                + (ebpf ? " (eBPF, verified and compiled)" : "")
                + (policy.equals("token-based") ? " (" + tokensPerSecond + " tokens/s to user " + lsUser + " in "
                        + tokenEpochNanos / 1000 + " us epochs, leftovers to user " + beUser + ")" : "")
                + "; receive path run to completion up to socket_rcv on a NIC poller"
                + (threadScheduling ? "; threads matched to cores every " + io.flexnet.workload.Durations.format(schedPeriod)
                        + ", GET threads first, SCANs preempted every " + io.flexnet.workload.Durations.format(preemptChunk)
                        : pinThreads ? "; threads pinned round robin over all but the poller's core" : "");
    }
}
