// A host stack that answers pings and echoes UDP on a NIC: the engine, one pipeline, one poller per queue.
package io.flexnet.serve;

import io.flexnet.app.StackAppServer;
import io.flexnet.engine.Engine;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.nic.NicDriver;
import io.flexnet.pipeline.Interposer;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.sched.LateExecutors;
import io.flexnet.sched.IdleStrategy;
import io.flexnet.sched.SleepUntilKicked;

/**
 * Serves a NIC (a TAP device, usually) with the paper's Listing 5 shape, run to completion on the
 * worker that polled the frame:
 *
 * <pre>{@code
 * rxTx("udp-echo").eth().ip().l4().yieldTo(echo).l4().ip().eth()
 * }</pre>
 *
 * Every frame enters the same coroutine. ARP is answered inside {@code eth_rcv} and ICMP echo inside
 * {@code ip_rcv}, so those frames end there; UDP to the echo port reaches the {@link UdpEcho} and goes
 * back out of the send half from the same slot; UDP to any other port gets ICMP port unreachable from
 * {@code udp_rcv}. Each receive queue of the NIC gets its own polling worker (the kernel spreads flows
 * over a multi-queue TAP), which sleeps until a frame arrives unless busy polling is asked for: a TAP
 * peer is slow next to a spinning core, and the machine is shared. On a TAP opened for its workers
 * ({@code TapNic.openForWorkers}) the worker sleeps in poll(2) on its queue's file, so the frame wakes
 * the thread that answers it.
 *
 * <pre>{@code
 * EchoServer server = new EchoServer(nic, NetConfig.parse(mac, "198.18.0.2/24", null, 1500), 7, false,
 *         RealRuntime.INSTANCE);
 * server.start();
 * ...
 * server.stop();
 * System.out.print(server.report());
 * }</pre>
 *
 * The caller owns the NIC and its pool: stop the server first, then close the NIC, then the pool.
 */
public final class EchoServer {
    /** Frames a poller takes from its queue per round. */
    public static final int POLL_BATCH = 32;
    /** How long {@link #stop()} lets workers finish what they hold; with no queues, nothing waits. */
    private static final long DRAIN_MILLIS = 100;

    private final Engine engine;
    private final LateExecutors apps;
    private final UdpEcho echo;
    private final Pipeline pipeline;
    private final int echoPort;
    private final boolean busyPoll;
    private long startNanos;
    private long stopNanos;
    private boolean started;
    private boolean stopped;

    /**
     * @param echoPort the UDP port answered (1..65535); it is also the echo endpoint's id
     * @param busyPoll spin on the receive queues instead of sleeping until a frame arrives
     */
    public EchoServer(NicDriver nic, NetConfig config, int echoPort, boolean busyPoll, StackRuntime runtime) {
        this(nic, config, echoPort, busyPoll, runtime, null);
    }

    /**
     * As above, with a filter's hooks in the pipeline (ingress after ip_rcv, egress before ip_send):
     * {@code filters.apply(stack)} gives them once the stack exists; null for none.
     */
    public EchoServer(NicDriver nic, NetConfig config, int echoPort, boolean busyPoll, StackRuntime runtime,
                      java.util.function.Function<io.flexnet.proto.ProtoStack, Interposer[]> filters) {
        this.engine = new Engine(nic, config, runtime);
        this.apps = new LateExecutors();
        this.echo = new UdpEcho();
        this.echoPort = echoPort;
        this.busyPoll = busyPoll;
        engine.stack().ports().bind(echoPort, Endpoint.servedAtYield(echoPort));
        engine.countDrops(echo.drops());
        Interposer[] hooks = filters == null ? null : filters.apply(engine.stack());
        this.pipeline = hooks == null
                ? engine.rxTx("udp-echo").eth().ip().l4().yieldTo(this::atYield).l4().ip().eth().build()
                : engine.rxTx("udp-echo-filtered").eth().ip().interpose(hooks[0]).l4().yieldTo(this::atYield).l4()
                        .interpose(hooks[1]).ip().eth().build();
        for (int q = 0; q < nic.rxQueues(); q++) {
            IdleStrategy idle = busyPoll ? IdleStrategy.busySpin() : new SleepUntilKicked();
            // One worker runs ARP's expiry: its lock is the stack's, so one caller is enough.
            if (q == 0) engine.poll(q, pipeline, POLL_BATCH, "poll" + q, idle, new ArpExpiry(engine.stack()), apps);
            else engine.poll(q, pipeline, POLL_BATCH, "poll" + q, idle);
        }
    }

    /**
     * 02:00 (locally administered, unicast) followed by the four bytes of {@code ip}: unique per address
     * and the same on every run, so a peer's neighbour entry stays right across restarts.
     */
    public static long defaultMac(int ip) {
        return 0x02_00_00_00_00_00L | (ip & 0xFFFF_FFFFL);
    }

    public synchronized void start() {
        if (started) throw new IllegalStateException("server already started");
        started = true;
        startNanos = engine.runtime().nanoTime();
        engine.start();
    }

    /** Stops the workers; frames still queued in the NIC stay there for its close to count. Idempotent. */
    public synchronized void stop() throws InterruptedException {
        if (!started || stopped) return;
        stopped = true;
        engine.shutdown(DRAIN_MILLIS);
        stopNanos = engine.runtime().nanoTime();
    }

    /** Seconds served: from start to stop, or to now while running. */
    public synchronized double seconds() {
        if (!started) return 0;
        return ((stopped ? stopNanos : engine.runtime().nanoTime()) - startNanos) / 1e9;
    }

    /**
     * The pipeline's {@code yield()}: a UDP datagram to the echo, a TCP segment delivered in place to
     * the application serving its port ({@link #serveInPlace}).
     */
    private int atYield(Coroutine co) {
        Packet p = co.packet();
        if (p.protocol != Ipv4Header.PROTO_TCP) return echo.onYield(co);
        Application app = inPlace[p.dstPort];
        if (app != null) return app.onYield(co);
        p.release();  // no listener delivers in place without its application: not reached
        return Application.CONSUMED;
    }

    /** TCP applications answering at the pipeline's {@code yield()}, by local port. */
    private final Application[] inPlace = new Application[65536];

    /**
     * Serves {@code server} run to completion in place: its requests are answered at this pipeline's
     * {@code yield()}, on the worker of receive queue 0 ({@link StackAppServer#startInPlace}). One
     * receive queue only: the worker that runs the pipeline must be the one that serves the sockets.
     */
    public synchronized void serveInPlace(StackAppServer server) {
        if (engine.nic().rxQueues() != 1) {
            throw new IllegalStateException("in-place serving needs one receive queue, the NIC has " + engine.nic().rxQueues());
        }
        server.startInPlace(apps, io.flexnet.proto.tcp.Tcp.of(engine.stack()), app -> inPlace[server.port()] = app);
    }

    /**
     * Executors the worker of receive queue 0 runs after its pipeline each round, added any time:
     * applications that run to completion on the stack's worker ({@code StackAppServer.startOn}).
     */
    public LateExecutors apps() { return apps; }

    public Engine engine() { return engine; }
    public ProtoStack stack() { return engine.stack(); }
    public UdpEcho echo() { return echo; }
    public Pipeline pipeline() { return pipeline; }
    public int echoPort() { return echoPort; }
    public boolean busyPoll() { return busyPoll; }
    public int workers() { return engine.workers().size(); }

    /** Every counter, one stage per line; see {@link ServeReport}. */
    public String report() { return ServeReport.of(this); }
}
