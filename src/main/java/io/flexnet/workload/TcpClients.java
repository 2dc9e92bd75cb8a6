// The generator's side of TCP: a client stack of ours with persistent connections, one per flow and port.
package io.flexnet.workload;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.nic.TxHandler;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.proto.tcp.TcpConfig;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.StackRuntime;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The clients of a TCP workload: a stack of ours (its own TCP, on the generator's side of the
 * in-memory NIC) holding {@code flows} persistent connections to each request port, opened before
 * the run. The generator writes each request as a {@link StreamFraming} frame into its flow's
 * connection at the request's intended time, whatever came back; the client's segments go into the
 * NIC's receive side in slots of the NIC's pool. It is the NIC's {@link TxHandler}: every frame the
 * stack under test sends is copied into a slot and received by the client on the sending thread, as
 * the wire would hand it over, and each reply frame read from a connection is timed by the
 * {@link LatencyMeter} from its request's intended time, as datagram replies are.
 *
 * <p>The client stack is one thread's at a time: the generator's sends, the timers it ticks and the
 * server's transmissions all take one lock. Nothing is allocated per request or per reply.
 *
 * <p>A request whose connection has no room for it in its send buffer (the server has stopped
 * reading) is not sent ({@link #send} says so, the generator counts it); a frame of the server's the client has no
 * slot for is counted {@code pool-empty} and recovered by TCP as a loss.
 */
public final class TcpClients implements TxHandler {
    private static final int OPENED = 0, REPLIES = 1, BAD_REPLIES = 2, RESETS = 3;

    private final ReentrantLock lock = new ReentrantLock();
    private final InMemoryNic nic;
    private final PacketPool pool;
    private final ProtoStack stack;
    private final Tcp tcp;
    private final LayerContext cx = LayerContext.shared();
    private final StackRuntime runtime;
    private final LatencyMeter meter;
    private final int serverIp;
    private final int[] ports;
    private final int flows;
    /** Connections by class and flow; class {@code c}'s requests go to {@code ports[c]}. */
    private final StreamConnection[][] connections;
    /** Connections with replies to read, by number (class × flows + flow). */
    private final int[] ready;
    private final boolean[] isReady;
    private int readyCount;
    private final MemorySegment request;
    private final MemorySegment replies = MemorySegment.ofArray(new byte[256 * StreamFraming.REPLY]);
    private final DropCounters drops = new DropCounters("tcp-clients");
    private final Counters counters = new Counters("tcp-clients", "opened", "replies", "bad-replies", "resets");

    /**
     * Clients of {@code workload} toward the stack at {@code addresses}, sending through {@code nic} (its
     * pool holds the client's segments too) and timing replies with {@code meter}.
     */
    public TcpClients(InMemoryNic nic, Workload workload, Addresses addresses, LatencyMeter meter, StackRuntime runtime) {
        this.nic = nic;
        this.pool = nic.pool();
        this.runtime = runtime;
        this.meter = meter;
        this.serverIp = addresses.stackIp();
        List<RequestClass> classes = workload.classes();
        this.flows = workload.flows();
        this.ports = classes.stream().mapToInt(RequestClass::port).toArray();
        int most = 0;
        for (RequestClass c : classes) most = Math.max(most, c.payloadBytes());
        this.request = MemorySegment.ofArray(new byte[StreamFraming.frame(most)]);
        int n = classes.size() * flows;
        // A send buffer holds at least two of the largest frames: a request is written whole or not at all.
        TcpConfig defaults = TcpConfig.defaults();
        int send = Math.max(defaults.sendBuffer(), Integer.highestOneBit(2 * StreamFraming.frame(most) - 1) << 1);
        TcpConfig config = defaults.withMaxConnections(Math.max(n + 16, 1024)).withBuffers(send, defaults.receiveBuffer());
        this.stack = new ProtoStack(new NetConfig(addresses.clientMac(), addresses.clientIp(), 24, 0, NetConfig.DEFAULT_MTU),
                pool, this::toServer, runtime);
        stack.arp().learnPermanent(addresses.stackIp(), addresses.stackMac());
        this.tcp = Tcp.attach(stack, config);
        this.connections = new StreamConnection[classes.size()][flows];
        this.ready = new int[n];
        this.isReady = new boolean[n];
    }

    /** A segment the client sends: into the stack's receive side (refusals are counted by the NIC). */
    private void toServer(Packet p) { nic.inject(p); }

    /**
     * Opens every connection and waits, on the runtime's clock, until all are established; throws
     * IllegalStateException naming what did not open in {@code timeoutNanos}.
     */
    public void open(long timeoutNanos) {
        lock.lock();
        try {
            cx.setNow(runtime.nanoTime());
            for (int c = 0; c < connections.length; c++) {
                for (int f = 0; f < flows; f++) {
                    StreamConnection s = tcp.connect(serverIp, ports[c]);
                    final int index = c * flows + f;
                    s.notifier((conn, events) -> readable(index));
                    s.noDelay(true);
                    connections[c][f] = s;
                }
            }
        } finally {
            lock.unlock();
        }
        long deadline = runtime.nanoTime() + timeoutNanos;
        while (true) {
            int open = 0, total = 0;
            lock.lock();
            try {
                tickLocked();
                for (StreamConnection[] byFlow : connections) {
                    for (StreamConnection s : byFlow) {
                        total++;
                        if (s.state() == TcpState.ESTABLISHED) open++;
                    }
                }
            } finally {
                lock.unlock();
            }
            if (open == total) {
                counters.add(OPENED, total);
                return;
            }
            if (runtime.nanoTime() > deadline) {
                throw new IllegalStateException(open + " of " + total + " TCP connections to " + Ip4.format(serverIp)
                        + " opened in " + timeoutNanos / 1_000_000 + " ms: the design does not accept on its request ports");
            }
            runtime.park(200_000);
        }
    }

    /**
     * Writes request {@code id} of class {@code cls} on flow {@code flow}'s connection, whole: false
     * (counted) when its send buffer has no room for the frame.
     */
    public boolean send(int cls, int flow, long id, int type, int key, long work, int payload) {
        final MemorySegment r = request;
        StreamFraming.writePrefix(r, 0, payload);
        KvRequest.write(r, StreamFraming.PREFIX, id, type, key, cls + 1, work);  // user: the class, from 1
        int frame = StreamFraming.frame(payload);
        lock.lock();
        try {
            cx.setNow(runtime.nanoTime());
            StreamConnection s = connections[cls][flow];
            if (s.writable() < frame) return false;
            s.write(r, 0, frame);
            tcp.tick(cx);
            return true;
        } catch (TcpException reset) {
            counters.inc(RESETS);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Runs the client's timers (retransmissions, delayed ACKs): the generator calls it while it waits. */
    public void tick() {
        lock.lock();
        try {
            tickLocked();
        } finally {
            lock.unlock();
        }
    }

    private void tickLocked() {
        cx.setNow(runtime.nanoTime());
        tcp.tick(cx);
        collect();
    }

    /** A frame the stack under test sent: received by the client here, and any reply it completes timed. */
    @Override
    public void onTransmit(int queue, Packet p) {
        Packet in = pool.allocate();
        if (in == null) {
            drops.count(DropReason.POOL_EMPTY);
            return;
        }
        MemorySegment.copy(p.segment(), p.offset, in.segment(), in.offset, p.length);
        in.length = p.length;
        lock.lock();
        try {
            cx.setNow(runtime.nanoTime());
            stack.receive(in, cx);
            collect();
        } finally {
            lock.unlock();
        }
    }

    private void readable(int index) {
        if (isReady[index]) return;
        isReady[index] = true;
        ready[readyCount++] = index;
    }

    /** Reads the whole replies waiting on every connection that became readable. */
    private void collect() {
        while (readyCount > 0) {
            int index = ready[--readyCount];
            isReady[index] = false;
            StreamConnection s = connections[index / flows][index % flows];
            try {
                int want;
                while ((want = Math.min(s.readable(), (int) replies.byteSize()) / StreamFraming.REPLY * StreamFraming.REPLY) > 0) {
                    int n = s.read(replies, 0, want);
                    for (int at = 0; at + StreamFraming.REPLY <= n; at += StreamFraming.REPLY) {
                        if (StreamFraming.length(replies, at) != KvRequest.LENGTH) {
                            counters.inc(BAD_REPLIES);
                            s.abort();
                            break;
                        }
                        counters.inc(REPLIES);
                        meter.replied(KvRequest.id(replies, at + StreamFraming.PREFIX));
                    }
                }
            } catch (TcpException reset) {
                counters.inc(RESETS);
            }
        }
    }

    /** Frames of the server's the client had no slot for ({@code pool-empty}): losses TCP recovers from. */
    public DropCounters drops() { return drops; }

    public long opened() { return counters.get(OPENED); }
    public long replies() { return counters.get(REPLIES); }
    public long badReplies() { return counters.get(BAD_REPLIES); }
    public long resets() { return counters.get(RESETS); }

    /** The client's TCP (its counters say what the connections went through). */
    public Tcp tcp() { return tcp; }

    /**
     * Where a NIC hands its transmissions before the clients exist (the clients need the NIC, the NIC
     * its handler): set once, before the stack sends anything.
     */
    public static final class Slot implements TxHandler {
        private volatile TcpClients clients;

        public void set(TcpClients c) { this.clients = c; }

        @Override
        public void onTransmit(int queue, Packet p) {
            TcpClients c = clients;
            if (c != null) c.onTransmit(queue, p);
        }
    }
}
