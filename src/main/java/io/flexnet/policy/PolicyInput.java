package io.flexnet.policy;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.FrameTuple;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;

/**
 * What a {@link MatchingPolicy} sees of one input: the flow tuple, read-only bounds-checked access to
 * the frame and its transport payload, the number of choices at the hook, and the tenant's maps.
 *
 * <p>Reads outside the frame never happen: {@code payloadU8/U16/U32} and {@code frameU8/U16/U32}
 * return -1 when any requested byte lies outside the payload (resp. frame), as an eBPF policy checks
 * against {@code pkt_end}. A policy need not check lengths first; it checks for -1.
 *
 * <p>There is one input per packet slot, bound by the hook just before the call (see
 * {@link #slotOf}); a policy must not keep it beyond {@code schedule}. The tuple is in host order
 * (an address {@code 198.18.0.1} is {@code 0xC6120001}); at hooks that run before the transport layer
 * it comes from parsing the frame here, later from the fields the receive layers filled (read in
 * place, so binding there copies nothing).
 */
public final class PolicyInput {
    static final PolicyMap[] NO_MAPS = new PolicyMap[0];

    private final MemorySegment slot;
    /**
     * The slot's own handle, fixed for life: binding never stores a reference, because under G1 a
     * reference store into an old object costs a card-marking fence (measured: ~10 ns per call).
     */
    private final Packet packet;
    /** True: the tuple and payload window below were parsed from the frame; false: read the packet's fields. */
    private boolean fromFrame;
    private int srcIp, dstIp, srcPort, dstPort, protocol;
    private int payloadStart, payloadLength;
    int choices;
    int tenant;
    PolicyMap[] maps = NO_MAPS;

    PolicyInput(Packet packet) {
        this.packet = packet;
        this.slot = packet.segment();
    }

    /**
     * An input for {@code p}'s parsed fields with {@code choices} executors and no maps, outside any
     * hook: for testing a policy by itself and for benchmarks. Allocates; not for the packet path.
     */
    public static PolicyInput of(Packet p, int choices) {
        PolicyInput in = new PolicyInput(p);
        in.bindFromFields(p);
        in.choices = choices;
        return in;
    }

    /**
     * The input of {@code p}'s slot: one per slot, made on first use and kept in the packet for the
     * slot's life. A packet has one owner at a time and a hook runs on the owner's thread, so a slot's
     * input is never bound by two threads at once: binding allocates nothing and needs no lookup.
     */
    static PolicyInput slotOf(Packet p) {
        final Object c = p.companion;
        return c != null ? (PolicyInput) c : attach(p);
    }

    private static PolicyInput attach(Packet p) {
        PolicyInput in = new PolicyInput(p);
        p.companion = in;
        return in;
    }

    // ---- binding, by the hook ----

    /**
     * Takes the tuple from the frame (receive hooks before the transport layer): Ethernet with up to
     * two VLAN tags, IPv4 not fragmented, UDP or TCP. Returns false when there is no such tuple.
     */
    boolean bindFromFrame(Packet p) {
        fromFrame = true;
        final MemorySegment s = slot;
        final long window = frame(p);
        final int off = (int) (window >>> 32);
        payloadStart = off;
        payloadLength = 0;
        srcIp = dstIp = srcPort = dstPort = protocol = 0;
        final long t = FrameTuple.locate(s, off, (int) window);
        if (t == FrameTuple.NONE) return false;
        final int l3 = FrameTuple.l3(t), l4 = FrameTuple.l4(t);
        srcIp = Bytes.i32(s, l3 + 12);
        dstIp = Bytes.i32(s, l3 + 16);
        srcPort = Bytes.u16(s, l4);
        dstPort = Bytes.u16(s, l4 + 2);
        protocol = Bytes.u8(s, l3 + 9);
        payloadStart = FrameTuple.payload(t);
        payloadLength = FrameTuple.end(t) - payloadStart;
        return true;
    }

    /**
     * Reads the tuple the receive (or send) layers stored in the packet's fields. Nothing is copied:
     * the getters read the packet, so binding costs one store.
     */
    void bindFromFields(Packet p) {
        fromFrame = false;
    }

    /** The frame window {@code (start << 32 | length)}, empty if the packet's window lies outside its slot. */
    private long frame(Packet p) {
        int off = p.offset, len = p.length;
        long size = slot.byteSize();
        if (off < 0 || len < 0 || off > size || len > size - off) return 0;
        return (long) off << 32 | len;
    }

    /** The payload window {@code (start << 32 | length)}, clipped to the frame: the fields are the layers' word, the bounds ours. */
    private long payload() {
        if (fromFrame) return (long) payloadStart << 32 | payloadLength;
        final Packet p = packet;
        long w = frame(p);
        int fs = (int) (w >>> 32), end = fs + (int) w;
        int start = p.payloadOffset;
        if (start < fs || start > end) return (long) fs << 32;
        return (long) start << 32 | Math.max(0, Math.min(p.payloadLength, end - start));
    }

    // ---- what the policy reads ----

    /** Number of executors the policy chooses among at this hook; results must be below it. */
    public int choices() { return choices; }

    /** The deploying tenant's id. */
    public int tenant() { return tenant; }

    public int srcIp() { return fromFrame ? srcIp : packet.srcIp; }
    public int dstIp() { return fromFrame ? dstIp : packet.dstIp; }
    public int srcPort() { return fromFrame ? srcPort : packet.srcPort; }
    public int dstPort() { return fromFrame ? dstPort : packet.dstPort; }
    /** IP protocol number: 17 UDP, 6 TCP. */
    public int protocol() { return fromFrame ? protocol : packet.protocol; }
    public int rxQueue() { return packet.rxQueue; }
    public long arrivalNanos() { return packet.arrivalNanos; }

    /**
     * A hash of the flow: the NIC's RSS hash when it set one, otherwise a hash of the five-tuple
     * computed here. Equal for every packet of a flow at every hook.
     */
    public int flowHash() {
        int h = packet.flowHash;
        return h != 0 ? h : tupleHash(srcIp(), dstIp(), srcPort(), dstPort(), protocol());
    }

    /** Murmur3's 32-bit finaliser over the five-tuple: cheap and well mixed in every bit. */
    public static int tupleHash(int srcIp, int dstIp, int srcPort, int dstPort, int protocol) {
        int h = srcIp * 0x9E3779B1 ^ dstIp;
        h = h * 0x9E3779B1 ^ (srcPort << 16 | dstPort);
        h = h * 0x9E3779B1 ^ protocol;
        return fmix32(h);
    }

    static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    public int payloadLength() { return (int) payload(); }

    /** Absolute offset of the payload in the slot; for tests of the bounds. */
    int payloadStart() { return (int) (payload() >>> 32); }

    /**
     * Where the transport payload is in the frame, {@code (offset << 32 | length)} with the offset
     * counted from the frame's first byte, so a policy can find the headers before it with
     * {@code frameU8}: an eBPF socket policy's packet starts at the UDP header, 8 bytes before it.
     */
    public long payloadWindow() {
        // payload() with the frame's window computed once: a compiled eBPF policy calls this per packet
        final long f = frame(packet);
        final int fs = (int) (f >>> 32), end = fs + (int) f;
        if (fromFrame) return (long) (payloadStart - fs) << 32 | payloadLength;
        final Packet p = packet;
        int start = p.payloadOffset;
        if (start < fs || start > end) return 0;
        return (long) (start - fs) << 32 | Math.max(0, Math.min(p.payloadLength, end - start));
    }

    /** Payload byte at {@code off}, or -1 when outside the payload. */
    public int payloadU8(int off) {
        long w = payload();
        return off >= 0 && off < (int) w ? Bytes.u8(slot, (w >>> 32) + off) : -1;
    }

    /** Big-endian u16 at {@code off} of the payload, or -1 when any byte is outside it. */
    public int payloadU16(int off) {
        long w = payload();
        return off >= 0 && off <= (int) w - 2 ? Bytes.u16(slot, (w >>> 32) + off) : -1;
    }

    /** Big-endian u32 at {@code off} of the payload, or -1 when any byte is outside it. */
    public long payloadU32(int off) {
        long w = payload();
        return off >= 0 && off <= (int) w - 4 ? Bytes.u32L(slot, (w >>> 32) + off) : -1;
    }

    public int frameLength() { return (int) frame(packet); }

    /** Frame byte at {@code off} from the Ethernet header, or -1 when outside the frame. */
    public int frameU8(int off) {
        long w = frame(packet);
        return off >= 0 && off < (int) w ? Bytes.u8(slot, (w >>> 32) + off) : -1;
    }

    public int frameU16(int off) {
        long w = frame(packet);
        return off >= 0 && off <= (int) w - 2 ? Bytes.u16(slot, (w >>> 32) + off) : -1;
    }

    public long frameU32(int off) {
        long w = frame(packet);
        return off >= 0 && off <= (int) w - 4 ? Bytes.u32L(slot, (w >>> 32) + off) : -1;
    }

    /**
     * The policy's {@code i}-th declared map (see {@link MatchingPolicy#maps()}). An undeclared index
     * throws, which the hook counts as the policy's fault.
     */
    public PolicyMap map(int i) { return maps[i]; }

    public int maps() { return maps.length; }
}
