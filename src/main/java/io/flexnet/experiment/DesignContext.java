// What a design gets to build one run's stack with: the NIC, the engine, the workload's ports, the request server.
package io.flexnet.experiment;

import io.flexnet.engine.Engine;
import io.flexnet.nic.CapturingNic;
import io.flexnet.nic.InMemoryNic;
import io.flexnet.nic.NicDriver;
import io.flexnet.nic.PcapWriter;
import io.flexnet.nic.RxSteering;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.sched.CoreScheduler;
import io.flexnet.workload.Addresses;
import io.flexnet.workload.LatencyMeter;
import io.flexnet.workload.RequestClass;
import io.flexnet.workload.RequestServer;
import io.flexnet.workload.TcpClients;
import io.flexnet.workload.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run's set-up, handed to {@link Design#assemble}. The NIC is the in-memory one, wired to the load
 * generator; a design may ask for several receive queues and its own steering with {@link #nic} before
 * the first call to {@link #engine}. Application threads made through {@link #appThread} are started
 * after the engine and stopped after it, and their CPU counts as the stack's.
 */
public final class DesignContext {
    /** Endpoint ids from here on are free for designs' own endpoints. */
    public static final int FIRST_FREE_ENDPOINT_ID = 100;
    private static final int QUEUE_CAPACITY = 4096;
    private static final int LISTEN_BACKLOG = 1024;

    private final Workload workload;
    private final PacketPool pool;
    private final LatencyMeter meter;
    private final PcapWriter capture;
    private final Addresses addresses;
    private final StackRuntime runtime;
    private final RequestServer server;
    private final List<Thread> appThreads = new ArrayList<>();
    private final List<AutoCloseable> onStop = new ArrayList<>();
    private final List<DropCounters> extraDrops = new ArrayList<>();
    private InMemoryNic nic;
    private NicDriver driver;
    private Engine engine;
    private CoreScheduler scheduler;
    private TcpClients clients;

    DesignContext(Workload workload, PacketPool pool, LatencyMeter meter, PcapWriter capture, Addresses addresses,
                  StackRuntime runtime) {
        this.runtime = runtime;
        this.server = new RequestServer(runtime);
        this.workload = workload;
        this.pool = pool;
        this.meter = meter;
        this.capture = capture;
        this.addresses = addresses;
    }

    public Workload workload() { return workload; }

    /** The destination port of request class {@code name}, or -1 if this run offers no such class. */
    public int port(String name) {
        for (RequestClass c : workload.classes()) if (c.name().equals(name)) return c.port();
        return -1;
    }

    /** The distinct destination ports requests go to, in class order. */
    public int[] ports() {
        return workload.classes().stream().mapToInt(RequestClass::port).distinct().toArray();
    }

    /** The application that answers requests (at a {@code yield()}, or through {@link RequestServer#serve}). */
    public RequestServer server() { return server; }

    /** What supplies time and threads to this run: every clock read and wait of the design goes through it. */
    public StackRuntime runtime() { return runtime; }

    public Addresses addresses() { return addresses; }

    /** Cores of the machine the run has: this one's, or the simulated runtime's virtual cores. */
    public int machineCores() { return runtime.cores(); }

    /**
     * Sets the NIC up with {@code rxQueues} receive (and transmit) queues and {@code steering} (null: RSS
     * over the five-tuple); {@code sharedRxPolling} lets several workers poll one receive queue. Only
     * before {@link #engine}; without a call the NIC has one queue.
     */
    public void nic(int rxQueues, RxSteering steering, boolean sharedRxPolling) {
        if (nic != null) throw new IllegalStateException("the NIC is made already: call nic(...) before engine()");
        // Over UDP the meter times replies as the stack sends them; over TCP the clients receive them.
        TcpClients.Slot clientSlot = new TcpClients.Slot();
        InMemoryNic.Builder b = InMemoryNic.builder(pool).name("nic").queues(rxQueues).queueCapacity(QUEUE_CAPACITY)
                .sharedRxPolling(sharedRxPolling).txHandler(tcp() ? clientSlot : meter);
        if (steering != null) b.steering(steering);
        nic = b.build();
        if (tcp()) {
            clients = new TcpClients(nic, workload, addresses, meter, runtime);
            clientSlot.set(clients);
            extraDrops.add(clients.drops());
        }
        driver = capture == null ? nic : new CapturingNic(nic, capture);
    }

    /** The stack for this run, made on first call (with a one-queue NIC unless {@link #nic} came first). */
    public Engine engine() {
        if (engine == null) {
            if (nic == null) nic(1, null, false);
            engine = new Engine(driver, addresses.stackConfig(), runtime());
            engine.stack().arp().learnPermanent(addresses.clientIp(), addresses.clientMac());  // a static neighbour: the generator answers no probes
        }
        return engine;
    }

    /**
     * Binds every request port to an endpoint that takes nothing: for pipelines that answer at
     * {@code yield()} and never reach {@code socket_rcv}, the ports must still be open for {@code udp_rcv}.
     * Over TCP it listens on them instead, each listener delivering in place to the request server at
     * {@code yield()} ({@link RequestServer#listen}).
     */
    public void bindRequestPorts() {
        if (tcp()) {
            Tcp tcp = Tcp.of(engine().stack());
            for (int port : ports()) server.listen(tcp, port, LISTEN_BACKLOG);
            return;
        }
        Endpoint open = Endpoint.servedAtYield(FIRST_FREE_ENDPOINT_ID - 1);
        for (int port : ports()) engine().stack().ports().bind(port, open);
    }

    /** Whether requests travel over TCP ({@code transport: tcp}): connections, framed requests. */
    public boolean tcp() { return workload.transport() == Workload.Transport.TCP; }

    /** A core scheduler the runner starts after the engine and stops before it; its timeline is reported. */
    public void scheduler(CoreScheduler s) {
        if (scheduler != null) throw new IllegalStateException("one core scheduler per design");
        scheduler = s;
    }

    /** An application thread (platform, daemon), started after the engine; interrupted and joined at the end. */
    public Thread appThread(String name, Runnable body) {
        Thread t = Thread.ofPlatform().name("flexnet-app-" + name).daemon(true).unstarted(body);
        appThreads.add(t);
        return t;
    }

    /** Closed at the end of the run, after the engine stopped and before application threads are joined. */
    public void onStop(AutoCloseable c) { onStop.add(c); }

    /** Drops counted outside the engine (sockets, port groups): reported with the engine's. */
    public void countDrops(DropCounters d) { extraDrops.add(d); }

    // ---- for the runner ----

    InMemoryNic inMemoryNic() { return nic; }
    /** The generator's TCP clients, or null over UDP (made with the NIC). */
    TcpClients tcpClients() { return clients; }
    NicDriver driver() { return driver; }
    CoreScheduler schedulerOrNull() { return scheduler; }
    List<Thread> appThreads() { return appThreads; }
    List<AutoCloseable> closeables() { return onStop; }

    /** Drops by reason label over the engine and every counter a design added; non-zero only. */
    Map<String, Long> dropsByReason() {
        List<DropCounters> all = new ArrayList<>(engine.dropCounters());
        all.addAll(extraDrops);
        return DropCounters.byReason(all);
    }
}
