// Sees every reply the stack transmits and records its latency from the request's intended send time.
package io.flexnet.workload;

import io.flexnet.nic.TxHandler;
import io.flexnet.packet.Bytes;
import io.flexnet.packet.Counters;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The response side of the load generator: installed as the in-memory NIC's {@link TxHandler}, it runs
 * on whichever thread transmits a reply, reads the request id from the reply's payload, looks up the
 * time the request was <em>meant</em> to be sent and records the difference. Measuring from the intended
 * time (not the actual one) keeps a generator that fell behind from hiding the delay it was caught in:
 * no coordinated omission.
 *
 * <p>Requests are remembered in preallocated arrays indexed by request id modulo a power-of-two
 * capacity (nothing allocated per request); the id itself is stored too, so a reply that arrives after
 * its slot was reused is counted as {@code stale} instead of being given a wrong latency. The generator
 * writes a slot before it injects the frame; the frame's trip through the NIC and stack queues
 * (release/acquire hand-offs) publishes the slot to the transmitting thread, so plain arrays suffice.
 *
 * <p>Only requests whose intended time lies in the measurement window are recorded, so warm-up traffic
 * and its replies stay out of the figures whenever they arrive. Recording goes to one HdrHistogram
 * {@link Recorder} per request class: wait-free and allocation-free from any number of threads.
 */
public final class LatencyMeter implements TxHandler {
    /** Latencies above a minute are clamped: the histogram keeps fixed size and never resizes. */
    public static final long MAX_LATENCY_NANOS = 60_000_000_000L;
    private static final int RESPONSES = 0, STALE = 1, FOREIGN = 2;

    private final LongSupplier clock;
    private final long[] intended;
    private final long[] ids;
    private final byte[] classOf;
    private final int mask;
    private final Recorder[] recorders;
    private final Counters counters = new Counters("meter", "responses", "stale", "foreign");
    /** Window of intended times that count; written before traffic starts, read by transmitting threads. */
    private volatile long from = Long.MAX_VALUE, to = Long.MIN_VALUE;

    /**
     * @param classes  request classes (latency is kept per class)
     * @param capacity requests remembered at once, rounded up to a power of two: must exceed the number
     *                 of requests in flight (rate × the longest latency worth measuring)
     */
    public LatencyMeter(int classes, int capacity, LongSupplier clock) {
        if (classes < 1 || classes > 127) throw new IllegalArgumentException("classes must be in [1, 127]");
        if (capacity < 2 || capacity > 1 << 26) throw new IllegalArgumentException("capacity out of range");
        int cap = Integer.highestOneBit(capacity - 1) << 1;
        this.clock = clock;
        this.intended = new long[cap];
        this.ids = new long[cap];
        java.util.Arrays.fill(ids, -1);
        this.classOf = new byte[cap];
        this.mask = cap - 1;
        this.recorders = new Recorder[classes];
        for (int i = 0; i < classes; i++) recorders[i] = new Recorder(1, MAX_LATENCY_NANOS, 3);
    }

    /** Records replies to requests intended in {@code [fromNanos, toNanos)} only. */
    public void window(long fromNanos, long toNanos) {
        this.from = fromNanos;
        this.to = toNanos;
    }

    /** Called by the generator before it injects request {@code id}. */
    public void sent(long id, long intendedNanos, int requestClass) {
        int slot = (int) id & mask;
        intended[slot] = intendedNanos;
        classOf[slot] = (byte) requestClass;
        ids[slot] = id;
    }

    @Override
    public void onTransmit(int queue, Packet p) {
        final MemorySegment s = p.segment();
        final long off = p.offset;
        final long end = off + p.length;
        // Replies are UDP/IPv4 frames; anything else (ARP, ICMP) is not ours to time.
        if (p.length < UdpFrames.HEADERS + KvRequest.HEADER_LENGTH
                || EthernetHeader.etherType(s, off) != EthernetHeader.TYPE_IPV4) {
            counters.inc(FOREIGN);
            return;
        }
        long ip = EthernetHeader.etherTypeOffset(s, off) + 2;
        if (Bytes.u8(s, ip + Ipv4Header.PROTOCOL_OFFSET) != Ipv4Header.PROTO_UDP) {
            counters.inc(FOREIGN);
            return;
        }
        long payload = ip + Ipv4Header.headerLength(s, ip) + 8;
        if (payload + KvRequest.HEADER_LENGTH > end) {
            counters.inc(FOREIGN);
            return;
        }
        replied(KvRequest.id(s, payload));
    }

    /** The reply to request {@code id} arrived now (a stream client's reply, or a datagram's). */
    public void replied(long id) {
        int slot = (int) id & mask;
        if (ids[slot] != id) {
            counters.inc(STALE);
            return;
        }
        long t = intended[slot];
        counters.inc(RESPONSES);
        if (t >= from && t < to) {
            long latency = clock.getAsLong() - t;
            recorders[classOf[slot]].recordValue(latency < 1 ? 1 : Math.min(latency, MAX_LATENCY_NANOS));
        }
    }

    /** Latencies recorded for class {@code c} since the last call (the first call: since the start). */
    public Histogram take(int c) { return recorders[c].getIntervalHistogram(); }

    public int classes() { return recorders.length; }

    /** Replies matched to a request, in or out of the window. */
    public long responses() { return counters.get(RESPONSES); }

    /** Replies whose request slot had been reused. */
    public long stale() { return counters.get(STALE); }

    /** Frames that were not replies (ARP, ICMP, too short). */
    public long foreign() { return counters.get(FOREIGN); }
}
