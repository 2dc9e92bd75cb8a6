// The open-loop generator: builds requests in pooled slots and injects each at its intended send time.
package io.flexnet.workload;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.StackRuntime;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Sends a {@link Workload} at a set rate into an {@link InMemoryNic}, open loop: request times are drawn
 * in advance of any reply (Poisson or uniform gaps), and each request is injected when its time comes,
 * whatever the stack is doing. If the generator falls behind (descheduled, or the rate is more than one
 * thread can send) it sends at once and the request's latency still counts from its intended time
 * ({@link LatencyMeter}). Each request is written straight into a slot of the NIC's pool: the Ethernet,
 * IPv4 and UDP headers by {@link UdpFrames#writeHeaders} around the payload, then handed over without a
 * copy ({@link InMemoryNic#inject(Packet)}).
 *
 * <p>Per request it draws a class (by share), a type (by the class's mix), a flow (uniformly), a key
 * and a service time, all from one {@link SplittableRandom} seeded by the workload: the same seed gives
 * every design the same requests at the same intended times. Nothing is allocated per request. The
 * request header's user id is the class's number, from 1 in the file's order: a class is a user to a
 * policy that accounts per user (Syrup's token-based admission).
 *
 * <p>{@link #run} runs on the calling thread: warm-up first (requests sent, replies not recorded),
 * then the measured window.
 */
public final class LoadGenerator {
    /** Park only when the next send is further away than this... */
    private static final long PARK_ABOVE_NANOS = 60_000;
    /**
     * ...and wake this early, then spin: with a 1 ns timer slack a park overshoots by ~20 µs at the
     * median (more on a loaded machine; the lateness histogram shows it). Spinning longer would keep
     * sends exact but take a core the stack under test needs on a small machine.
     */
    private static final long PARK_MARGIN_NANOS = 40_000;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    /** The generator's nice value where permitted: it preempts stack workers as a NIC interrupt would. */
    private static final int NICE = -10;

    private final InMemoryNic nic;
    private final PacketPool pool;
    private final Workload workload;
    private final Arrivals arrivals;
    private final LatencyMeter meter;
    private final Addresses addresses;
    private final DropCounters drops = new DropCounters("generator");
    /** Cumulative class shares and per-class cumulative type weights, for one uniform draw each. */
    private final double[] classCdf;
    private final double[][] typeCdf;
    private final int[] ports;
    private final int[] payloads;
    private final ServiceTime[] service;
    private final long[] sentInWindow;
    private final Histogram lateness = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 2);
    private volatile long position;
    private volatile long windowEnd;
    private long sent;
    private boolean niced;
    private long cpuNanos = -1;
    private long wallNanos;
    private final StackRuntime runtime;
    /** Over TCP: the client connections requests are written into (null over UDP). */
    private final TcpClients clients;

    /** @param runtime the clock requests are timed by, and the waits between them */
    public LoadGenerator(InMemoryNic nic, Workload workload, double ratePerSecond, LatencyMeter meter, Addresses addresses,
                         StackRuntime runtime) {
        this(nic, workload, ratePerSecond, meter, addresses, runtime, null);
    }

    /**
     * A generator whose requests go over {@code clients}' connections (opened already) when the workload
     * is TCP's; {@code clients} is null for a UDP workload.
     */
    public LoadGenerator(InMemoryNic nic, Workload workload, double ratePerSecond, LatencyMeter meter, Addresses addresses,
                         StackRuntime runtime, TcpClients clients) {
        if ((clients != null) != (workload.transport() == Workload.Transport.TCP)) {
            throw new IllegalArgumentException("a " + workload.transport().label() + " workload "
                    + (clients == null ? "needs" : "takes no") + " TCP clients");
        }
        this.clients = clients;
        this.runtime = java.util.Objects.requireNonNull(runtime);
        if (meter.classes() != workload.classes().size()) {
            throw new IllegalArgumentException("meter has " + meter.classes() + " classes, workload " + workload.classes().size());
        }
        this.nic = nic;
        this.pool = nic.pool();
        this.workload = workload;
        this.arrivals = Arrivals.of(workload.arrivals(), ratePerSecond);
        this.meter = meter;
        this.addresses = addresses;
        List<RequestClass> classes = workload.classes();
        int n = classes.size();
        this.classCdf = new double[n];
        this.typeCdf = new double[n][4];
        this.ports = new int[n];
        this.payloads = new int[n];
        this.sentInWindow = new long[n];
        double total = 0;
        for (RequestClass c : classes) total += c.share();
        double acc = 0;
        for (int i = 0; i < n; i++) {
            RequestClass c = classes.get(i);
            acc += c.share() / total;
            classCdf[i] = acc;
            double[] mix = c.mix();
            double ms = mix[1] + mix[2] + mix[3], a = 0;
            int last = 1;
            for (int t = 1; t < 4; t++) {
                a += mix[t] / ms;
                typeCdf[i][t] = a;
                if (mix[t] > 0) last = t;
            }
            // Rounding must never leave a draw unmatched, nor match a type without weight.
            for (int t = last; t < 4; t++) typeCdf[i][t] = 1.0;
            ports[i] = c.port();
            payloads[i] = c.payloadBytes();
        }
        classCdf[n - 1] = 1.0;
        this.service = workload.service();
        int need = UdpFrames.HEADERS;
        if (clients == null) {
            for (int p : payloads) if (need + p > pool.maxFrame()) throw new IllegalArgumentException("payload does not fit a slot");
        }
    }

    /**
     * Sends warm-up traffic from {@code startNanos} (on the runtime's clock; leave a few
     * milliseconds of lead so set-up is not counted as lateness), then measured traffic, on this thread;
     * returns when the last measured request is sent (replies may still be on their way).
     */
    public void run(long startNanos, long warmupNanos, long durationNanos) {
        boolean slack = ThreadTuning.timerSlack(1);
        niced = ThreadTuning.nice(NICE);
        boolean hybrid = workload.generatorWait() == Workload.GeneratorWait.HYBRID && slack;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
        final SplittableRandom rng = new SplittableRandom(workload.seed());
        final long start = startNanos;
        final long measureFrom = start + warmupNanos;
        final long end = measureFrom + durationNanos;
        windowEnd = end;
        meter.window(measureFrom, end);
        double next = start;
        long id = 0;
        while (true) {
            final long intended = (long) next;
            if (intended >= end) break;
            position = intended;
            int cls = pick(classCdf, rng.nextDouble());
            int type = pickType(typeCdf[cls], rng.nextDouble());
            int flow = workload.flows() == 1 ? 0 : rng.nextInt(workload.flows());
            int key = rng.nextInt(workload.keys());
            long work = service[type].sample(rng);
            waitUntil(intended, hybrid);
            long now = send(id, intended, cls, type, flow, key, work);
            if (intended >= measureFrom) {
                sentInWindow[cls]++;
                lateness.recordValue(Math.max(1, Math.min(now - intended, LatencyMeter.MAX_LATENCY_NANOS)));
            }
            id++;
            next += arrivals.nextGapNanos(rng);
        }
        sent = id;
        position = end;
        wallNanos = runtime.nanoTime() - start;
        if (cpu0 >= 0) cpuNanos = mx.getCurrentThreadCpuTime() - cpu0;
    }

    private void waitUntil(long intended, boolean hybrid) {
        final StackRuntime rt = runtime;
        long ahead = intended - rt.nanoTime();
        if (hybrid && ahead > PARK_ABOVE_NANOS) rt.park(ahead - PARK_MARGIN_NANOS);
        rt.awaitTime(intended);
    }

    /** Builds and injects one request; returns the time it went. */
    private long send(long id, long intended, int cls, int type, int flow, int key, long work) {
        if (clients != null) {
            meter.sent(id, intended, cls);
            long now = runtime.nanoTime();
            // No room in the connection's send buffer: the request is lost as a full socket loses it.
            if (!clients.send(cls, flow, id, type, key, work, payloads[cls])) drops.count(DropReason.SOCKET_FULL);
            return now;
        }
        Packet p = pool.allocate();
        if (p == null) {
            drops.count(DropReason.POOL_EMPTY);
            return runtime.nanoTime();
        }
        final MemorySegment s = p.segment();
        final long off = p.offset;
        final long payload = off + UdpFrames.HEADERS;
        final int len = payloads[cls];
        KvRequest.write(s, payload, id, type, key, cls + 1, work);  // user: the class, from 1
        // Zero the padding so captures show clean requests (the slot holds an earlier frame's bytes).
        long pad = payload + KvRequest.LENGTH, padEnd = payload + len;
        for (; pad + 8 <= padEnd; pad += 8) s.set(LONG, pad, 0L);
        for (; pad < padEnd; pad++) s.set(ValueLayout.JAVA_BYTE, pad, (byte) 0);
        p.length = UdpFrames.writeHeaders(s, off, addresses.stackMac(), addresses.clientMac(), addresses.clientIp(),
                addresses.stackIp(), 1024 + flow, ports[cls], len, (int) id);
        meter.sent(id, intended, cls);
        long now = runtime.nanoTime();
        nic.inject(p);  // refusals are counted by the NIC under their reason
        return now;
    }

    private static int pick(double[] cdf, double u) {
        for (int i = 0; i < cdf.length - 1; i++) if (u < cdf[i]) return i;
        return cdf.length - 1;
    }

    /** The first type whose cumulative weight exceeds {@code u}; a type without weight never does. */
    private static int pickType(double[] cdf, double u) {
        for (int t = 1; t < 3; t++) if (u < cdf[t]) return t;
        return 3;
    }

    /** Intended time of the request being sent now (for progress); the window's end once done. */
    public long position() { return position; }

    /** When the measured window ends (valid once {@link #run} started). */
    public long windowEnd() { return windowEnd; }

    /** Requests the generator could not send: the pool was empty (UDP), or the connection's buffer full (TCP). */
    public DropCounters drops() { return drops; }

    /** Requests of class {@code c} intended in the measured window (sent, or dropped on the way). */
    public long sentInWindow(int c) { return sentInWindow[c]; }

    /** All requests, warm-up included. */
    public long sent() { return sent; }

    /** How late each measured request was sent after its intended time (ns). */
    public Histogram lateness() { return lateness; }

    /** CPU the generator's thread used during {@link #run}, or -1 if unknown. */
    public long cpuNanos() { return cpuNanos; }

    public long wallNanos() { return wallNanos; }

    /** Whether the generator's thread ran at raised priority (see {@link ThreadTuning#nice}). */
    public boolean raisedPriority() { return niced; }

    public Workload workload() { return workload; }
}
