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
 * ARP for one interface (RFC 826), hardened as Linux's neighbour table is: a cache whose entries are
 * confirmed, probed and forgotten by Linux's reachability states, answers to requests for our
 * address, and a bounded queue of frames waiting for their next hop to resolve. Not a pipeline layer:
 * {@code eth_rcv} hands it ARP frames and {@code eth_send} asks it for next hops.
 *
 * <p><b>What it learns from.</b> A request for our address creates an entry for its sender (stale:
 * the sender wants to talk to us); a reply creates one only when we asked (frames wait for that
 * address, or the entry is being probed) — an unsolicited reply creates nothing (Linux's
 * {@code arp_accept=0}). Any ARP frame refreshes an entry that exists (RFC 826's merge), but one that
 * would change its hardware address within {@link Times#lock} of the last change is ignored (Linux's
 * {@code locktime}), so one forged frame cannot flip a neighbour that just answered. Nobody may claim
 * our own address.
 *
 * <p><b>Reachability</b> (Linux's NUD states, see {@link ArpCache}): an entry confirmed by a reply is
 * reachable for {@link Times#reachable}; after that it is stale, still used. The first use of a stale
 * entry starts a delay ({@link Times#delayFirstProbe}), then probes: {@link Times#unicastProbes}
 * unicast requests to the address it has, then {@link Times#broadcastProbes} broadcast ones, one per
 * {@link Times#retransmit}. A reply at any point confirms it (and may correct its address); silence
 * removes it, so traffic to a neighbour that moved or was forged away is re-resolved in seconds
 * instead of black-holed until expiry. A stale entry unused for {@link Times#stale} is forgotten.
 * Entries set by hand with {@link #learnPermanent} are never probed or forgotten.
 *
 * <p><b>Resolution.</b> A frame whose next hop is unknown makes an incomplete entry and waits (up to
 * {@link Times#pendingTimeout}, in a queue of fixed size) while a broadcast request goes out every
 * {@link Times#retransmit}. The entry, not the queue, keeps the schedule, so retries go out whether or
 * not the queue is full, and resolution stops once no frame has wanted the address for
 * {@link Times#pendingTimeout}. Frames still waiting when the stack shuts down are counted as
 * {@code shutdown} ({@link #discardPending}).
 *
 * <p>Timers run on every ARP frame, every parked frame, every use of an entry that needs attention,
 * and when the owner calls {@link #expire()} (periodically). Frames and packets bring their time in
 * their {@link LayerContext}; calls made outside a pipeline ({@link #learn}, {@link #expire()}) read
 * the stack's {@link StackRuntime}. Everything ARP sends — replies, requests, probes and the frames a
 * resolution releases — leaves through its stack's {@link Output} as whole frames.
 *
 * <p>Threads: {@link #resolve} is an optimistic read (no lock, no write to shared memory when no
 * writer interferes and the entry is fresh); everything else takes a write lock. Frames are handed to
 * the output under that lock, so the device behind it must not call back into this stack.
 */
public final class Arp {
    public static final int DEFAULT_CACHE_SIZE = 256;
    public static final int DEFAULT_PENDING = 64;
    /** As Linux: three one-second requests, then give up. */
    public static final long DEFAULT_PENDING_TIMEOUT_NANOS = 3_000_000_000L;
    public static final long DEFAULT_RETRY_NANOS = 1_000_000_000L;

    /**
     * The neighbour table's times and counts; {@link #LINUX} holds Linux's defaults
     * ({@code /proc/sys/net/ipv4/neigh/default}).
     *
     * @param reachable       how long a confirmation lasts ({@code base_reachable_time}, 30 s)
     * @param delayFirstProbe a used stale entry's grace before probing ({@code delay_first_probe_time}, 5 s)
     * @param retransmit      between two requests or probes ({@code retrans_time}, 1 s)
     * @param unicastProbes   probes to the known address ({@code ucast_solicit}, 3)
     * @param broadcastProbes probes by broadcast after them ({@code mcast_resolicit}; Linux's default 0, here 3)
     * @param stale           how long an unused stale entry is kept ({@code gc_stale_time}, 60 s)
     * @param lock            least time between two changes of an entry's address ({@code locktime}, 1 s)
     * @param pendingTimeout  how long a frame may wait for resolution (3 s: three requests)
     */
    public record Times(long reachable, long delayFirstProbe, long retransmit, int unicastProbes,
                        int broadcastProbes, long stale, long lock, long pendingTimeout) {
        public static final Times LINUX = new Times(30_000_000_000L, 5_000_000_000L, DEFAULT_RETRY_NANOS, 3, 3,
                60_000_000_000L, 1_000_000_000L, DEFAULT_PENDING_TIMEOUT_NANOS);

        public Times {
            if (reachable <= 0 || delayFirstProbe < 0 || retransmit <= 0 || stale <= 0 || lock < 0 || pendingTimeout <= 0
                    || unicastProbes < 0 || broadcastProbes < 0 || unicastProbes + broadcastProbes == 0) {
                throw new IllegalArgumentException("ARP times must be positive and at least one probe made: " + this);
            }
        }
    }

    /**
     * Every ARP frame for us ends in exactly one of replied (a request), learned (a reply that
     * created, confirmed or corrected an entry) or reply-ignored (a reply nobody asked for, or one
     * that would change an address within the lock time), unless it was dropped; the rest count events.
     */
    static final int REPLIED = 0, LEARNED = 1, REPLY_IGNORED = 2, REQUESTS_SENT = 3, PARKED = 4, FLUSHED = 5,
            PROBES_SENT = 6, LOCKED_OUT = 7, UNSOLICITED = 8, FAILED = 9;

    private final long mac;
    private final int ip;
    private final int broadcast;
    private final PacketPool pool;
    private final StackRuntime runtime;
    private final Times times;
    /** Set once by the stack that owns this module; see {@link Output}. */
    private Output output;

    private final StampedLock lock = new StampedLock();
    private final ArpCache cache;
    private final ArpPending pending;
    /** Frames moved out of {@link #pending} under the lock; only touched with the lock held. */
    private final Packet[] scratch;
    /** Earliest timer of any entry or pending frame; before it, a timer pass has nothing to do. */
    private long nextDeadline;
    /** For sends made under the lock outside a pipeline ({@link #learn}, {@link #expire()}): its time is set under the lock. */
    private final LayerContext ownContext = LayerContext.shared();

    private final Counters counters = new Counters("arp", "replied", "learned", "reply-ignored", "requests-sent",
            "parked", "flushed", "probes-sent", "locked-out", "unsolicited", "failed");
    private final DropCounters drops = new DropCounters("arp");

    public Arp(NetConfig cfg, PacketPool pool, StackRuntime runtime) {
        this(cfg, pool, runtime, DEFAULT_CACHE_SIZE, DEFAULT_PENDING, Times.LINUX);
    }

    /**
     * @param runtime the clock for calls made outside a pipeline (tests pass a {@link io.flexnet.runtime.ManualClock})
     * @param cacheSize neighbours kept at once (rounded up to a power of two)
     * @param pendingCapacity frames that may wait for resolution at once
     */
    public Arp(NetConfig cfg, PacketPool pool, StackRuntime runtime, int cacheSize, int pendingCapacity, Times times) {
        this.mac = cfg.mac();
        this.ip = cfg.ip();
        this.broadcast = cfg.broadcast();
        this.pool = pool;
        this.runtime = runtime;
        this.times = java.util.Objects.requireNonNull(times);
        this.cache = new ArpCache(cacheSize);
        this.pending = new ArpPending(pendingCapacity);
        this.scratch = new Packet[pendingCapacity];
        this.nextDeadline = runtime.nanoTime() + Long.MAX_VALUE / 2;
    }

    void bind(Output output) { this.output = output; }

    public Times times() { return times; }

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
        boolean reply = op == ArpHeader.OP_REPLY;
        long now = cx.now();
        boolean learned = false;
        long stamp = lock.writeLock();
        try {
            timersLocked(now, cx);
            if (spa != 0) learned = mergeLocked(spa, sha, p.vlan, forUs, reply, now, cx);  // 0 is a probe (RFC 5227)
        } finally {
            lock.unlockWrite(stamp);
        }
        if (!forUs) {
            drops.drop(p, DropReason.NOT_FOR_US, cx.stripe());
        } else if (!reply) {
            replyInPlace(p, arpOff, sha, spa, cx);
        } else {
            counters.inc(cx.stripe(), learned ? LEARNED : REPLY_IGNORED);
            p.release();
        }
    }

    /** RFC 826's merge with Linux's rules (see the class comment); true when the entry was created or confirmed. */
    private boolean mergeLocked(int spa, long sha, int vlan, boolean forUs, boolean reply, long now, LayerContext cx) {
        int s = cache.find(spa);
        boolean confirms = forUs && reply;
        if (s < 0) {
            if (!forUs || reply) {  // nobody asked: learn only from a request for us (arp_accept=0)
                if (confirms) counters.inc(cx.stripe(), UNSOLICITED);
                return false;
            }
            s = cache.insert(spa);
            cache.set(s, sha, ArpCache.STALE, now + times.stale, now);
            cache.vlan(s, vlan);
            earliest(cache.timer(s));
            return false;
        }
        byte state = cache.state(s);
        if (state == ArpCache.PERMANENT) return confirms;  // configured by hand: not ARP's to change
        if (state == ArpCache.INCOMPLETE) {
            cache.set(s, sha, confirms ? ArpCache.REACHABLE : ArpCache.STALE,
                    now + (confirms ? times.reachable : times.stale), now);
            earliest(cache.timer(s));
            flushLocked(spa, sha, cx);
            return confirms;
        }
        if (cache.mac(s) != sha) {
            if (now - cache.updated(s) < times.lock) {
                counters.inc(cx.stripe(), LOCKED_OUT);
                return false;
            }
            cache.set(s, sha, confirms ? ArpCache.REACHABLE : ArpCache.STALE,
                    now + (confirms ? times.reachable : times.stale), now);
        } else if (confirms) {
            cache.state(s, ArpCache.REACHABLE, now + times.reachable);
            cache.probes(s, 0);
        } else if (state == ArpCache.STALE) {
            cache.state(s, ArpCache.STALE, now + times.stale);  // heard from: keep it a while longer
        }
        earliest(cache.timer(s));
        return confirms;
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
     * MAC address for next hop {@code nextHop} at {@code now}, or -1 when unknown. Lock-free on the
     * common path (a confirmed or permanent entry): reads the cache optimistically and takes the lock
     * only if a writer interfered or the entry's state must move (a stale entry starts its delay).
     */
    public long resolve(int nextHop, long now) {
        long stamp = lock.tryOptimisticRead();
        long m = cache.fresh(nextHop, now);
        if (lock.validate(stamp) && m != ArpCache.NEEDS_ATTENTION) return m;
        return resolveSlow(nextHop, now);
    }

    /** As {@link #resolve(int, long)} at the runtime's time: for tests and tools, not the transmit path. */
    public long resolve(int nextHop) { return resolve(nextHop, runtime.nanoTime()); }

    private long resolveSlow(int nextHop, long now) {
        long stamp = lock.writeLock();
        try {
            int s = cache.find(nextHop);
            if (s < 0) return -1;
            byte state = cache.state(s);
            if (state == ArpCache.INCOMPLETE) return -1;
            if (state == ArpCache.STALE || (state == ArpCache.REACHABLE && now - cache.timer(s) >= 0)) {
                cache.state(s, ArpCache.DELAY, now + times.delayFirstProbe);  // used: confirm soon or probe
                earliest(cache.timer(s));
            }
            return cache.mac(s);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Takes a frame whose next hop ({@link Packet#nextHop}) did not resolve: the IPv4 datagram is at
     * {@code p.offset}, the Ethernet header not yet written. Parks it and asks for the address (a first
     * request at once, retries on their schedule); transmits it at once if the address arrived
     * meanwhile; drops it as {@code arp-pending-full} when the queue is full.
     */
    public void park(Packet p, LayerContext cx) {
        int hop = p.nextHop;
        int vlan = p.vlan;
        long now = cx.now();
        long stamp = lock.writeLock();
        try {
            timersLocked(now, cx);
            int s = cache.find(hop);
            if (s >= 0 && cache.state(s) != ArpCache.INCOMPLETE) {
                sendLocked(p, cache.mac(s), cx);
                return;
            }
            if (s < 0) {  // the first frame for this hop asks at once; the entry times the retries
                s = cache.insert(hop);
                cache.set(s, -1, ArpCache.INCOMPLETE, now + times.retransmit, now);
                cache.vlan(s, vlan);
                earliest(cache.timer(s));
                sendRequest(hop, vlan, MacAddress.BROADCAST, REQUESTS_SENT, cx);
            }
            cache.updated(s, now);  // still wanted: keep asking
            if (pending.full()) {
                drops.drop(p, DropReason.ARP_PENDING_FULL, cx.stripe());
            } else {
                pending.add(p, hop, now);
                counters.inc(cx.stripe(), PARKED);
                earliest(now + times.pendingTimeout);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Runs the timers due now: expiries, probes, retries. Call periodically. */
    public void expire() {
        long now = runtime.nanoTime();
        long stamp = lock.writeLock();
        try {
            ownContext.setNow(now);
            timersLocked(now, ownContext);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Adds or refreshes an entry by hand, confirmed now (reachable, then probed as any other), and
     * sends what waited for it.
     */
    public void learn(int addr, long hwAddr) { learn(addr, hwAddr, false); }

    /** Adds a neighbour that is never probed or forgotten (Linux's {@code nud permanent}): a static configuration. */
    public void learnPermanent(int addr, long hwAddr) { learn(addr, hwAddr, true); }

    private void learn(int addr, long hwAddr, boolean permanent) {
        if (!Ip4.isUnicast(addr) || hwAddr == 0 || MacAddress.isMulticast(hwAddr) || (hwAddr & ~MacAddress.BROADCAST) != 0) {
            throw new IllegalArgumentException("cannot map " + Ip4.format(addr) + " to " + Long.toHexString(hwAddr));
        }
        long now = runtime.nanoTime();
        long stamp = lock.writeLock();
        try {
            ownContext.setNow(now);
            int s = cache.insert(addr);
            cache.set(s, hwAddr, permanent ? ArpCache.PERMANENT : ArpCache.REACHABLE, now + times.reachable, now);
            if (!permanent) earliest(cache.timer(s));
            flushLocked(addr, hwAddr, ownContext);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Forgets a neighbour (as {@code ip neigh del}); true when there was one. */
    public boolean forget(int addr) {
        long stamp = lock.writeLock();
        try {
            return cache.remove(addr);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Drops every frame still waiting for resolution under {@code reason} (the engine says
     * {@code shutdown}), returning their slots; returns how many.
     */
    public int discardPending(DropReason reason) {
        long stamp = lock.writeLock();
        try {
            int n = pending.takeAll(scratch);
            for (int i = 0; i < n; i++) {
                drops.drop(scratch[i], reason);
                scratch[i] = null;
            }
            return n;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void timersLocked(long now, LayerContext cx) {
        if (now - nextDeadline < 0) return;
        long next = now + Long.MAX_VALUE / 2;
        // Frames that waited too long give up; hops still waiting are asked again on schedule.
        int n = pending.takeParkedBefore(now - times.pendingTimeout, scratch);
        for (int i = 0; i < n; i++) {
            drops.drop(scratch[i], DropReason.ARP_UNRESOLVED, cx.stripe());
            scratch[i] = null;
        }
        if (pending.size() > 0) next = Math.min(next, pending.oldest(now) + times.pendingTimeout);
        for (int s = 0; s < cache.capacity(); s++) {
            if (cache.ip(s) == 0) continue;
            byte state = cache.state(s);
            if (state == ArpCache.PERMANENT) continue;
            if (cache.timer(s) - now <= 0) advanceLocked(s, state, now, cx);
            if (cache.ip(s) != 0 && cache.timer(s) - next < 0) next = cache.timer(s);
        }
        nextDeadline = next;
    }

    /** One entry's timer fired: the NUD state machine's timed transitions. */
    private void advanceLocked(int s, byte state, long now, LayerContext cx) {
        switch (state) {
            case ArpCache.INCOMPLETE -> {
                if (now - cache.updated(s) >= times.pendingTimeout) {
                    counters.inc(cx.stripe(), FAILED);
                    cache.removeSlot(s);  // nothing has wanted it for a while: stop asking
                } else {
                    cache.state(s, ArpCache.INCOMPLETE, now + times.retransmit);
                    sendRequest(cache.ip(s), cache.vlan(s), MacAddress.BROADCAST, REQUESTS_SENT, cx);
                }
            }
            case ArpCache.REACHABLE -> cache.state(s, ArpCache.STALE, now + times.stale);
            case ArpCache.STALE -> cache.removeSlot(s);  // unused for the whole stale time
            case ArpCache.DELAY -> {
                cache.state(s, ArpCache.PROBING, now);
                cache.probes(s, 0);
                probeLocked(s, now, cx);
            }
            case ArpCache.PROBING -> probeLocked(s, now, cx);
            default -> { }
        }
    }

    /** The next probe of an entry in PROBE: unicast first, then broadcast, then failure. */
    private void probeLocked(int s, long now, LayerContext cx) {
        int made = cache.probes(s);
        if (made >= times.unicastProbes + times.broadcastProbes) {
            counters.inc(cx.stripe(), FAILED);
            cache.removeSlot(s);  // silence: re-resolve from scratch on the next frame
            return;
        }
        long to = made < times.unicastProbes ? cache.mac(s) : MacAddress.BROADCAST;
        cache.probes(s, made + 1);
        cache.state(s, ArpCache.PROBING, now + times.retransmit);
        sendRequest(cache.ip(s), cache.vlan(s), to, PROBES_SENT, cx);
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

    /** "Who has {@code target}? Tell us", to {@code dstMac} (broadcast, or the known address when probing). */
    private void sendRequest(int target, int vlan, long dstMac, int counter, LayerContext cx) {
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
            EthernetHeader.writeTagged(s, off, dstMac, mac, vlan, EthernetHeader.TYPE_ARP);
        } else {
            EthernetHeader.write(s, off, dstMac, mac, EthernetHeader.TYPE_ARP);
        }
        long tha = dstMac == MacAddress.BROADCAST ? 0 : dstMac;
        ArpHeader.write(s, off + hdr, ArpHeader.OP_REQUEST, mac, ip, tha, target);
        q.length = padded(q, hdr + ArpHeader.LENGTH);
        counters.inc(cx.stripe(), counter);
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

    /** The state of {@code addr}'s entry as Linux's {@code ip neigh} names it, or "none". */
    public String state(int addr) {
        long stamp = lock.readLock();
        try {
            int s = cache.find(addr);
            return s < 0 ? "none" : ArpCache.stateName(cache.state(s));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * replied, learned, reply-ignored (the outcomes of ARP frames for us), requests-sent, parked,
     * flushed, probes-sent, locked-out, unsolicited, failed.
     */
    public Counters counters() { return counters; }

    public DropCounters drops() { return drops; }
}
