package io.flexnet.proto;

import io.flexnet.packet.ArpHeader;
import io.flexnet.packet.Bytes;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.StackRuntime;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.StampedLock;

/**
 * ARP for one interface (RFC 826): a neighbour cache with expiry, answers to requests for our address,
 * and a bounded queue of frames waiting for their next hop to resolve. Not a pipeline layer:
 * {@code eth_rcv} hands it ARP frames and {@code eth_send} asks it for next hops.
 *
 * <p>Learning follows RFC 826's merge rule: a sender already in the cache is refreshed by any ARP
 * packet; a new sender is learned only from packets addressed to us, so a broadcast storm of requests
 * for other hosts cannot fill the cache. Nobody may claim our own address.
 *
 * <p>Expiry runs when the owner calls {@link #expire()} (periodically) and on every ARP packet or
 * parked frame; {@link #resolve} itself needs no time, so the transmit path pays nothing for it, and an
 * entry stays usable until the next expiry pass after its time. Frames and packets bring their time in
 * their {@link LayerContext}; the calls made outside a pipeline ({@link #learn}, {@link #expire()}) read
 * the stack's {@link StackRuntime}.
 *
 * <p>Everything ARP sends — replies, requests and the frames a resolution releases — leaves through
 * its stack's {@link Output} as whole frames.
 *
 * <p>Threads: {@link #resolve} is an optimistic read (no lock, no write to shared memory when no
 * writer interferes); everything else takes a write lock. Frames flushed by a reply are handed to the
 * output under that lock, so the device behind it must not call back into this stack.
 */
public final class Arp {
    public static final int DEFAULT_CACHE_SIZE = 256;
    public static final long DEFAULT_TTL_NANOS = 60_000_000_000L;
    public static final int DEFAULT_PENDING = 64;
    /** As Linux: about three one-second probes, then give up. */
    public static final long DEFAULT_PENDING_TIMEOUT_NANOS = 3_000_000_000L;
    public static final long DEFAULT_RETRY_NANOS = 1_000_000_000L;

    static final int REPLIED = 0, LEARNED = 1, REQUESTS_SENT = 2, PARKED = 3, FLUSHED = 4;

    private final long mac;
    private final int ip;
    private final int broadcast;
    private final PacketPool pool;
    private final StackRuntime runtime;
    /** Set once by the stack that owns this module; see {@link Output}. */
    private Output output;
    private final long ttlNanos;
    private final long pendingTimeoutNanos;
    private final long retryNanos;

    private final StampedLock lock = new StampedLock();
    private final ArpCache cache;
    private final ArpPending pending;
    /** Frames moved out of {@link #pending} under the lock; only touched with the lock held. */
    private final Packet[] scratch;
    /** Earliest cache expiry or pending timeout; before it, an expiry pass has nothing to do. */
    private long nextDeadline;
    /** For sends made under the lock outside a pipeline ({@link #learn}, {@link #expire()}): its time is set under the lock. */
    private final LayerContext ownContext = LayerContext.shared();

    private final Counters counters =
            new Counters("arp", "replied", "learned", "requests-sent", "parked", "flushed");
    private final DropCounters drops = new DropCounters("arp");

    public Arp(NetConfig cfg, PacketPool pool, StackRuntime runtime) {
        this(cfg, pool, runtime, DEFAULT_CACHE_SIZE, DEFAULT_TTL_NANOS, DEFAULT_PENDING,
                DEFAULT_PENDING_TIMEOUT_NANOS, DEFAULT_RETRY_NANOS);
    }

    /**
     * @param runtime the clock for calls made outside a pipeline (tests pass a {@link io.flexnet.runtime.ManualClock})
     * @param ttlNanos how long a learned entry is used before it must be learned again
     * @param pendingCapacity frames that may wait for resolution at once
     * @param pendingTimeoutNanos how long a frame may wait before it is dropped as unresolved
     * @param retryNanos least time between two requests for the same address
     */
    public Arp(NetConfig cfg, PacketPool pool, StackRuntime runtime, int cacheSize, long ttlNanos,
               int pendingCapacity, long pendingTimeoutNanos, long retryNanos) {
        if (ttlNanos <= 0 || pendingTimeoutNanos <= 0 || retryNanos < 0) {
            throw new IllegalArgumentException("ARP times must be positive");
        }
        this.mac = cfg.mac();
        this.ip = cfg.ip();
        this.broadcast = cfg.broadcast();
        this.pool = pool;
        this.runtime = runtime;
        this.ttlNanos = ttlNanos;
        this.pendingTimeoutNanos = pendingTimeoutNanos;
        this.retryNanos = retryNanos;
        this.cache = new ArpCache(cacheSize);
        this.pending = new ArpPending(pendingCapacity);
        this.scratch = new Packet[pendingCapacity];
        this.nextDeadline = runtime.nanoTime() + Long.MAX_VALUE / 2;
    }

    void bind(Output output) { this.output = output; }

    /**
     * Takes an ARP frame from {@code eth_rcv}: {@code arpOff} is where the ARP packet starts, the
     * Ethernet header is at {@code p.offset}. Always takes ownership: answers in place, learns and
     * releases, or counts a drop.
     */
    public void receive(Packet p, int arpOff, LayerContext cx) {
        MemorySegment s = p.segment();
        if (p.offset + p.length - arpOff < ArpHeader.LENGTH || !ArpHeader.isEthernetIpv4(s, arpOff)) {
            drops.drop(p, DropReason.BAD_ARP, cx.stripe());
            return;
        }
        int op = ArpHeader.oper(s, arpOff);
        long sha = ArpHeader.sha(s, arpOff);
        int spa = ArpHeader.spa(s, arpOff);
        int tpa = ArpHeader.tpa(s, arpOff);
        if ((op != ArpHeader.OP_REQUEST && op != ArpHeader.OP_REPLY)
                || sha == 0 || MacAddress.isMulticast(sha) || sha == mac
                || spa == ip || (spa != 0 && (!Ip4.isUnicast(spa) || spa == broadcast))) {
            drops.drop(p, DropReason.BAD_ARP, cx.stripe());
            return;
        }
        boolean forUs = tpa == ip;
        long now = cx.now();
        long stamp = lock.writeLock();
        try {
            expireLocked(now, cx);
            if (spa != 0) {  // 0 is a probe (RFC 5227): nothing to learn
                boolean known;
                if (forUs) {
                    cache.put(spa, sha, now + ttlNanos);
                    known = true;
                } else {
                    known = cache.refresh(spa, sha, now + ttlNanos);
                }
                if (known) {
                    earliest(now + ttlNanos);
                    flushLocked(spa, sha, cx);
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        if (!forUs) {
            drops.drop(p, DropReason.NOT_FOR_US, cx.stripe());
        } else if (op == ArpHeader.OP_REQUEST) {
            replyInPlace(p, arpOff, sha, spa, cx);
        } else {
            counters.inc(cx.stripe(), LEARNED);
            p.release();
        }
    }

    /** Turns the request into our reply, same slot, same VLAN tag, and sends it. */
    private void replyInPlace(Packet p, int arpOff, long requesterMac, int requesterIp, LayerContext cx) {
        MemorySegment s = p.segment();
        ArpHeader.oper(s, arpOff, ArpHeader.OP_REPLY);
        ArpHeader.tha(s, arpOff, requesterMac);
        ArpHeader.tpa(s, arpOff, requesterIp);
        ArpHeader.sha(s, arpOff, mac);
        ArpHeader.spa(s, arpOff, ip);
        EthernetHeader.dst(s, p.offset, requesterMac);
        EthernetHeader.src(s, p.offset, mac);
        p.length = padded(p, arpOff + ArpHeader.LENGTH - p.offset);
        counters.inc(cx.stripe(), REPLIED);
        output.frame(p, cx);
    }

    /**
     * MAC address for next hop {@code nextHop}, or -1 when unknown. Lock-free on the common path:
     * reads the cache optimistically and retries under a read lock only if a writer interfered.
     */
    public long resolve(int nextHop) {
        long stamp = lock.tryOptimisticRead();
        long m = cache.get(nextHop);
        if (lock.validate(stamp)) return m;
        stamp = lock.readLock();
        try {
            return cache.get(nextHop);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Takes a frame whose next hop ({@link Packet#nextHop}) did not resolve: the IPv4 datagram is at
     * {@code p.offset}, the Ethernet header not yet written. Parks it and sends a request (at most one
     * per address per retry interval); transmits it at once if the address arrived meanwhile; drops it
     * as {@code arp-pending-full} when the queue is full.
     */
    public void park(Packet p, LayerContext cx) {
        int hop = p.nextHop;
        int vlan = p.vlan;
        long now = cx.now();
        boolean request = false;
        long stamp = lock.writeLock();
        try {
            expireLocked(now, cx);
            long known = cache.get(hop);
            if (known >= 0) {
                sendLocked(p, known, cx);
                return;
            }
            if (pending.full()) {
                drops.drop(p, DropReason.ARP_PENDING_FULL, cx.stripe());
                return;
            }
            long last = pending.lastRequest(hop, now - retryNanos);
            request = now - last >= retryNanos;
            pending.add(p, hop, now, request ? now : last);
            counters.inc(cx.stripe(), PARKED);
            earliest(now + pendingTimeoutNanos);
        } finally {
            lock.unlockWrite(stamp);
        }
        if (request) sendRequest(hop, vlan, cx);
    }

    /** Drops expired cache entries and frames that waited past the timeout. Call periodically. */
    public void expire() {
        long now = runtime.nanoTime();
        long stamp = lock.writeLock();
        try {
            ownContext.setNow(now);
            expireLocked(now, ownContext);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Adds or refreshes an entry by hand (a static neighbour) and sends what waited for it. */
    public void learn(int addr, long hwAddr) {
        if (!Ip4.isUnicast(addr) || hwAddr == 0 || MacAddress.isMulticast(hwAddr) || (hwAddr & ~MacAddress.BROADCAST) != 0) {
            throw new IllegalArgumentException("cannot map " + Ip4.format(addr) + " to " + Long.toHexString(hwAddr));
        }
        long now = runtime.nanoTime();
        long stamp = lock.writeLock();
        try {
            ownContext.setNow(now);
            cache.put(addr, hwAddr, now + ttlNanos);
            earliest(now + ttlNanos);
            flushLocked(addr, hwAddr, ownContext);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void expireLocked(long now, LayerContext cx) {
        if (now - nextDeadline < 0) return;
        long next = cache.expire(now);
        int n = pending.takeParkedBefore(now - pendingTimeoutNanos, scratch);
        for (int i = 0; i < n; i++) {
            drops.drop(scratch[i], DropReason.ARP_UNRESOLVED, cx.stripe());
            scratch[i] = null;
        }
        if (pending.size() > 0) {
            long t = pending.oldest(now) + pendingTimeoutNanos;
            if (t - next < 0) next = t;
        }
        nextDeadline = next;
    }

    private void earliest(long t) {
        if (t - nextDeadline < 0) nextDeadline = t;
    }

    private void flushLocked(int addr, long hwAddr, LayerContext cx) {
        int n = pending.take(addr, scratch);
        for (int i = 0; i < n; i++) {
            Packet q = scratch[i];
            scratch[i] = null;
            counters.inc(cx.stripe(), FLUSHED);
            sendLocked(q, hwAddr, cx);
        }
    }

    private void sendLocked(Packet p, long dstMac, LayerContext cx) {
        if (!EthernetHeader.prepend(p, dstMac, mac, EthernetHeader.TYPE_IPV4)) {
            drops.drop(p, DropReason.BAD_SEND, cx.stripe());
            return;
        }
        output.frame(p, cx);
    }

    private void sendRequest(int target, int vlan, LayerContext cx) {
        Packet q = pool.allocate();
        if (q == null) {
            drops.count(DropReason.POOL_EMPTY, cx.stripe());
            return;
        }
        q.vlan = vlan;
        int hdr = vlan >= 0 ? EthernetHeader.TAGGED_HEADER_LENGTH : EthernetHeader.HEADER_LENGTH;
        MemorySegment s = q.segment();
        int off = q.offset;
        if (vlan >= 0) {
            EthernetHeader.writeTagged(s, off, MacAddress.BROADCAST, mac, vlan, EthernetHeader.TYPE_ARP);
        } else {
            EthernetHeader.write(s, off, MacAddress.BROADCAST, mac, EthernetHeader.TYPE_ARP);
        }
        ArpHeader.write(s, off + hdr, ArpHeader.OP_REQUEST, mac, ip, 0, target);
        q.length = padded(q, hdr + ArpHeader.LENGTH);
        counters.inc(cx.stripe(), REQUESTS_SENT);
        output.frame(q, cx);
    }

    /** Zero-pads a short frame to the Ethernet minimum when the slot has room. */
    private static int padded(Packet p, int length) {
        if (length >= EthernetHeader.MIN_FRAME) return length;
        long end = (long) p.offset + EthernetHeader.MIN_FRAME;
        if (end > p.segment().byteSize()) return length;
        MemorySegment s = p.segment();
        for (int i = length; i < EthernetHeader.MIN_FRAME; i++) Bytes.u8(s, p.offset + i, 0);  // no slice object
        return EthernetHeader.MIN_FRAME;
    }

    /** Frames waiting for resolution now. */
    public int pending() {
        long stamp = lock.readLock();
        try {
            return pending.size();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    public int cacheSize() {
        long stamp = lock.readLock();
        try {
            return cache.size();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** replied, learned, requests-sent, parked, flushed. */
    public Counters counters() { return counters; }

    public DropCounters drops() { return drops; }
}
