package io.flexnet.proto.tcp;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.TcpHeader;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.Output;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.cc.CongestionControl;
import io.flexnet.proto.tcp.cc.CongestionControls;
import io.flexnet.runtime.StackRuntime;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stack's TCP: the {@code tcp_rcv} and {@code tcp_send} layers, the connection table, the listeners,
 * the timer wheel, and the small public face stream sockets are built on.
 *
 * <pre>{@code
 * Tcp tcp = Tcp.attach(stack, TcpConfig.defaults());    // the engine does this for every stack
 * Listener l = tcp.listen(7, 128);                       // passive open
 * l.onAcceptReady(() -> ...);                            // a connection can be accepted
 * StreamConnection a = l.accept();                       // non-blocking, null when none
 * StreamConnection b = tcp.connect(peerIp, 7);           // active open from an ephemeral port
 * tcp.tick(cx);                                          // drives every timer: call it regularly
 * }</pre>
 *
 * <p><b>Threads.</b> Segments of one connection may arrive on any worker: each connection is changed by
 * one thread at a time under its owner flag and backlog ({@link Connection}); listeners and the table
 * are safe for concurrent use. <b>Time.</b> TCP reads no clock: the layers take the round's time from
 * their {@link LayerContext}, application calls take it from the stack's runtime, and timers fire only
 * when something calls {@link #tick} — the engine runs it from a timer thread of its own once per
 * wheel tick, a test calls it by hand with a manual clock. <b>Output.</b> Every segment TCP originates
 * leaves through the stack's {@link Output}.
 */
public final class Tcp {
    // Event counters (not drops): what the connections did.
    static final int IN = 0, SEGMENTS_OUT = 1, RETRANSMITS = 2, RST_SENT = 3, RST_RECEIVED = 4, CHALLENGE_ACKS = 5,
            CHALLENGE_ACKS_LIMITED = 6, SYN_COOKIES_SENT = 7, SYN_COOKIES_ACCEPTED = 8, FAST_RECOVERIES = 9,
            RTO_EXPIRED = 10, WINDOW_PROBES = 11, KEEPALIVE_PROBES = 12, DELAYED_ACKS = 13, TIMEOUTS = 14,
            DUP_ACKS = 15, OUT_OF_ORDER = 16, DUPLICATE_DATA = 17, NO_SLOT = 18, ACTIVE_OPENS = 19,
            PASSIVE_OPENS = 20, TIME_WAIT_REUSED = 21, NOTIFIER_FAULTS = 22, IN_PLACE = 23, TIMER_FAULTS = 24,
            BACKLOGGED = 25, FAULTS = 26, SPURIOUS_RECOVERIES = 27, TAIL_PROBES = 28, RACK_RECOVERIES = 29, LOST_RETRANSMITS = 30;

    private final ProtoStack stack;
    private final TcpConfig config;
    private final PacketPool pool;
    private final Output output;
    private final int localIp;
    private final Replies replies;
    private final int maxMss;
    private final int maxSegment;
    private final ConnTable table;
    private final AtomicReferenceArray<Listener> listeners = new AtomicReferenceArray<>(65536);
    private final TimerWheel wheel;
    private final ReentrantLock wheelLock = new ReentrantLock();
    private final int[] due;
    private volatile long nextTick;
    private final IsnGenerator isn;
    private final SynCookies cookies;
    /** Volatile: a designer may swap it while connections open; each connection keeps the one it opened with. */
    private volatile CongestionControl cc;
    private final ChallengeAckLimit challengeAcks;
    private final TcpRcv rcv;
    private final TcpSend send;
    private final Counters counters = new Counters("tcp", "in", "segments-out", "retransmits", "rst-sent",
            "rst-received", "challenge-acks", "challenge-acks-limited", "syn-cookies-sent", "syn-cookies-accepted",
            "fast-recoveries", "rto-expired", "window-probes", "keepalive-probes", "delayed-acks", "timeouts",
            "dup-acks", "out-of-order", "duplicate-data", "no-slot", "active-opens", "passive-opens",
            "time-wait-reused", "notifier-faults", "in-place", "timer-faults",
            "backlogged", "faults", "spurious-recoveries", "tail-probes", "rack-recoveries", "lost-retransmits");
    private final AtomicIntegerArray states = new AtomicIntegerArray(TcpState.values().length);
    private final ThreadLocal<LayerContext> callerContexts = ThreadLocal.withInitial(LayerContext::new);
    private int nextEphemeral;
    private volatile Throwable lastNotifierFault;

    private Tcp(ProtoStack stack, TcpConfig config) {
        this.stack = stack;
        this.config = config;
        this.pool = stack.pool();
        this.output = stack.output();
        this.localIp = stack.config().ip();
        this.replies = new Replies(this, pool, output, localIp);
        int mtu = stack.config().mtu();
        this.maxSegment = mtu - Ipv4Header.MIN_HEADER_LENGTH;
        this.maxMss = Math.max(TcpConfig.MIN_MSS, mtu - Ipv4Header.MIN_HEADER_LENGTH - TcpHeader.MIN_HEADER_LENGTH);
        this.table = new ConnTable(this, config.maxConnections());
        long now = stack.runtime().nanoTime();
        this.wheel = new TimerWheel(1024, config.tickNanos(), config.maxConnections(), now);
        this.due = new int[config.maxConnections()];
        this.isn = new IsnGenerator();
        this.cookies = new SynCookies();
        this.cc = CongestionControls.byName(config.congestionControl());
        this.challengeAcks = new ChallengeAckLimit(config.challengeAcks());
        this.rcv = new TcpRcv(this);
        this.send = new TcpSend(this);
        this.nextEphemeral = config.ephemeralLow() + (int) Math.floorMod(now ^ (now >>> 20), config.ephemeralHigh() - config.ephemeralLow() + 1);
        states.set(TcpState.CLOSED.ordinal(), 0);
    }

    /**
     * Makes the TCP of {@code stack}: binds {@code tcp_rcv} and {@code tcp_send} into its {@code l4_rcv}
     * and {@code l4_send}, reports its drops with the stack's, and attaches itself ({@link #of}). Call
     * once, before traffic starts.
     */
    public static Tcp attach(ProtoStack stack, TcpConfig config) {
        Tcp tcp = new Tcp(stack, config);
        stack.attach(Tcp.class, tcp);
        stack.l4Rcv().bindTcp(tcp.rcv);
        stack.l4Send().bindTcp(tcp.send);
        stack.reportDrops(tcp.rcv.drops());
        stack.reportDrops(tcp.send.drops());
        return tcp;
    }

    /** The TCP attached to {@code stack}, or null. */
    public static Tcp of(ProtoStack stack) { return stack.attached(Tcp.class); }

    public TcpConfig config() { return config; }
    public ProtoStack stack() { return stack; }
    /** {@code tcp_rcv}. */
    public TcpRcv rcv() { return rcv; }
    /** {@code tcp_send}. */
    public TcpSend send() { return send; }
    public Counters counters() { return counters; }

    PacketPool pool() { return pool; }
    Output output() { return output; }
    StackRuntime runtime() { return stack.runtime(); }
    IsnGenerator isn() { return isn; }
    /** The congestion control new connections use. */
    public CongestionControl congestionControl() { return cc; }

    /**
     * Makes new connections use {@code algorithm} (a designer's own, say; see docs/designing.md);
     * connections already open keep theirs.
     */
    public void congestionControl(CongestionControl algorithm) { this.cc = java.util.Objects.requireNonNull(algorithm); }
    ChallengeAckLimit challengeAcks() { return challengeAcks; }
    ConnTable table() { return table; }
    int localIp() { return localIp; }
    /** Our MSS: the MTU less IPv4 and TCP headers. */
    int maxMss() { return maxMss; }
    /** Largest TCP segment (header and data) the MTU carries. */
    int maxSegment() { return maxSegment; }

    /** Whether segments leave their checksum to the device ({@link Packet#CSUM_PARTIAL}). */
    boolean partialSums() { return stack.offloadsChecksums(); }

    /**
     * Most data bytes one super frame may carry (TSO; {@link ProtoStack#gsoMaxBytes()}), within an IP
     * packet and a jumbo slot; 0 when the device cuts none.
     */
    int gsoMaxData() {
        int ip = stack.gsoMaxBytes();
        if (ip == 0) return 0;
        int room = pool.jumboSize() - pool.headroom() - io.flexnet.proto.IpSend.HEADROOM - Emitter.MAX_HEADER;
        return Math.min(ip - Ipv4Header.MIN_HEADER_LENGTH - Emitter.MAX_HEADER, room);
    }

    int clampMss(int peer) { return Math.max(TcpConfig.MIN_MSS, Math.min(peer, maxMss)); }

    void count(int counter, LayerContext cx) { counters.inc(cx.stripe(), counter); }

    void notifierFault(Throwable e) {
        lastNotifierFault = e;
        counters.inc(NOTIFIER_FAULTS);
    }

    private volatile Throwable lastFault;

    /** A segment whose processing threw (a bug): counted as {@code faults}, kept for {@link #lastFault()}. */
    void fault(Throwable e, LayerContext cx) {
        lastFault = e;
        count(FAULTS, cx);
    }

    /** The last exception processing a queued segment threw, or null. */
    public Throwable lastFault() { return lastFault; }

    /** The last exception a readiness callback threw (counted as {@code notifier-faults}), or null. */
    public Throwable lastNotifierFault() { return lastNotifierFault; }

    /** For application calls: the calling thread's context at the runtime's time. */
    LayerContext callerContext() {
        LayerContext cx = callerContexts.get();
        cx.setNow(stack.runtime().nanoTime());
        return cx;
    }

    // ---------------------------------------------------------------- reports

    void stateChanged(TcpState from, TcpState to) {
        if (from != TcpState.CLOSED) states.decrementAndGet(from.ordinal());
        if (to != TcpState.CLOSED) states.incrementAndGet(to.ordinal());
    }

    /** Connections in each state now (CLOSED not counted; LISTEN is the listeners open). */
    public Map<TcpState, Integer> stateCounts() {
        Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
        int listening = 0;
        for (int i = 0; i < 65536; i++) if (listeners.get(i) != null) listening++;
        for (TcpState s : TcpState.values()) {
            int n = s == TcpState.LISTEN ? listening : states.get(s.ordinal());
            if (n != 0) m.put(s, n);
        }
        return m;
    }

    /** Connections in the table now. */
    public int connections() { return table.size(); }

    /** Connection objects made so far: the table's memory high-water mark (at most {@link TcpConfig#maxConnections}). */
    public int connectionObjects() { return table.created(); }

    // ---------------------------------------------------------------- opens

    /**
     * Listens on {@code port} with an accept queue of {@code backlog} connections and the configured SYN
     * backlog.
     *
     * @throws TcpException when the port already has a listener
     */
    public Listener listen(int port, int backlog) {
        if (port <= 0 || port > 0xFFFF) throw new IllegalArgumentException("port must be 1-65535, got " + port);
        if (backlog < 1) throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
        Listener l = new Listener(this, port, backlog, config.synBacklog());
        if (!listeners.compareAndSet(port, null, l)) throw new TcpException("port " + port + " already has a listener");
        return l;
    }

    void unlisten(Listener l) { listeners.compareAndSet(l.port(), l, null); }

    /** The listener on {@code port}, or null. */
    /**
     * The connection a segment delivered in place belongs to ({@link Listener#deliverInPlace}): the
     * application at the pipeline's {@code yield()} finds its session here. Null when it is gone.
     */
    public StreamConnection connectionOf(Packet inPlace) {
        return table.find(ConnTable.key(inPlace.srcIp, inPlace.srcPort, inPlace.dstPort));
    }

    public Listener listener(int port) { return port > 0 && port <= 0xFFFF ? listeners.get(port) : null; }

    /**
     * Opens a connection to {@code remoteIp}:{@code remotePort} from a free ephemeral port: sends the SYN
     * and returns at once, in SYN_SENT. Its notifier (set it right away) hears {@code ESTABLISHED} and
     * {@code WRITABLE} when the handshake completes, {@code CLOSED} if it fails; bytes written before
     * then wait in the send buffer.
     *
     * @throws TcpException when the table is full or no ephemeral port is free toward that peer
     */
    public StreamConnection connect(int remoteIp, int remotePort) {
        if (remotePort <= 0 || remotePort > 0xFFFF) throw new IllegalArgumentException("port must be 1-65535, got " + remotePort);
        if (remoteIp == 0 || remoteIp == localIp) throw new IllegalArgumentException("cannot connect to " + io.flexnet.packet.Ip4.format(remoteIp));
        LayerContext cx = callerContext();
        Connection c = table.allocate();
        if (c == null) throw new TcpException("connection table full (" + table.max() + " connections)");
        c.own();
        try {
            int span = config.ephemeralHigh() - config.ephemeralLow() + 1;
            boolean placed = false;
            for (int i = 0; i < span && !placed; i++) {
                int port;
                synchronized (this) {
                    port = nextEphemeral;
                    nextEphemeral = port == config.ephemeralHigh() ? config.ephemeralLow() : port + 1;
                }
                if (listeners.get(port) != null) continue;
                c.init(localIp, port, remoteIp, remotePort, cx.now());
                placed = table.insert(c);
            }
            if (!placed) {
                c.allocated = true;  // left CLOSED and unheld: release() gives it back
                throw new TcpException("no ephemeral port free toward " + io.flexnet.packet.Ip4.format(remoteIp) + ":" + remotePort);
            }
            c.handedToApp = true;
            c.tsOk = config.timestamps();
            c.sackOk = config.sack();
            c.wsOk = config.windowScaling();
            c.to(TcpState.SYN_SENT);
            count(ACTIVE_OPENS, cx);
            Emitter.syn(c, cx);
        } finally {
            c.release(cx);
        }
        return c;
    }

    // ---------------------------------------------------------------- segments without a connection

    /** LISTEN (RFC 9293 §3.10.7.2) and CLOSED for a segment no connection took. Owns {@code p}. */
    int noConnection(Packet p, LayerContext cx) {
        final Listener l = listeners.get(p.dstPort);
        final int flags = TcpHeader.flags(p.segment(), p.l4Offset);
        if (l == null) {
            if ((flags & TcpHeader.RST) != 0) return rcv.drop(p, DropReason.TCP_NO_LISTENER, cx);
            rcv.drops().count(DropReason.TCP_NO_LISTENER, cx.stripe());
            Segment g = scratch();
            if (!g.read(p)) return rcv.drop(p, DropReason.TCP_BAD_OPTIONS, cx);
            replyReset(p, g, cx);
            return io.flexnet.proto.Layer.DONE;
        }
        if ((flags & TcpHeader.RST) != 0) return rcv.drop(p, DropReason.TCP_IGNORED, cx);
        Segment g = scratch();
        if (!g.read(p)) return rcv.drop(p, DropReason.TCP_BAD_OPTIONS, cx);
        if ((flags & TcpHeader.ACK) != 0) return cookieAck(l, p, g, cx);
        if ((flags & TcpHeader.SYN) == 0) return rcv.drop(p, DropReason.TCP_IGNORED, cx);
        return passiveOpen(l, null, p, g, cx);
    }

    private final ThreadLocal<Segment> scratch = ThreadLocal.withInitial(Segment::new);

    private Segment scratch() { return scratch.get(); }

    /**
     * A SYN for listener {@code l}: a SYN_RECEIVED entry while the SYN backlog has room, a SYN cookie past
     * it. {@code reuse} is a connection in TIME_WAIT with this four-tuple that the SYN may take over
     * (owned by the caller), or null.
     */
    int passiveOpen(Listener l, Connection reuse, Packet p, Segment g, LayerContext cx) {
        final long now = cx.now();
        if (l.isClosed()) return rcv.drop(p, DropReason.TCP_NO_LISTENER, cx);
        if (!l.takeSyn()) {
            if (reuse != null) return rcv.drop(p, DropReason.TCP_SYN_FLOOD, cx);
            if (!config.synCookies()) return rcv.drop(p, DropReason.TCP_SYN_FLOOD, cx);
            sendCookie(p, g, cx);
            return io.flexnet.proto.Layer.DONE;
        }
        Connection c = reuse;
        if (c == null) {
            c = table.allocate();
            if (c == null) {
                l.synLeft();
                if (config.synCookies()) {
                    sendCookie(p, g, cx);
                    return io.flexnet.proto.Layer.DONE;
                }
                return rcv.drop(p, DropReason.TCP_SYN_FLOOD, cx);
            }
            c.own();
        }
        try {
            if (reuse != null) {
                reuse.to(TcpState.CLOSED);
                count(TIME_WAIT_REUSED, cx);
            }
            c.init(localIp, p.dstPort, p.srcIp, p.srcPort, now);
            c.listener = l;
            c.inPlace = l.inPlace();
            c.tsOk = config.timestamps();
            c.sackOk = config.sack();
            c.wsOk = config.windowScaling();
            c.irs = g.seq;
            c.rcvNxt = g.seq + 1;
            Input.negotiate(c, g, now);
            c.sndWnd = g.window;
            c.maxSndWnd = c.sndWnd;
            if (reuse == null && !table.insert(c)) {
                l.synLeft();
                c.listener = null;  // left CLOSED: release() gives it back
                return rcv.drop(p, DropReason.TCP_IGNORED, cx);
            }
            c.to(TcpState.SYN_RECEIVED);
            count(PASSIVE_OPENS, cx);
            Emitter.syn(c, cx);
        } finally {
            if (reuse == null) c.release(cx);
        }
        p.release();
        return io.flexnet.proto.Layer.DONE;
    }

    /** The SYN-ACK of a SYN cookie, built in the SYN's own slot: nothing is kept for it. */
    private void sendCookie(Packet p, Segment g, LayerContext cx) {
        final long now = cx.now();
        int mssIn = g.mss < 0 ? 536 : g.mss;
        int cookie = cookies.cookie(localIp, p.dstPort, p.srcIp, p.srcPort, g.seq, Math.min(mssIn, maxMss), now);
        int window = Math.min(config.receiveBuffer(), 0xFFFF);
        count(SYN_COOKIES_SENT, cx);
        // The cookie carries the peer's MSS (rounded down to the table); the option says ours.
        replies.write(p, TcpHeader.SYN | TcpHeader.ACK, cookie, g.seq + 1, window, maxMss, cx);
    }

    /** An ACK to a listener: the last step of a SYN-cookie handshake, or a stray that gets a reset. */
    private int cookieAck(Listener l, Packet p, Segment g, LayerContext cx) {
        final long now = cx.now();
        int mss = config.synCookies() && (g.flags & TcpHeader.SYN) == 0
                ? cookies.check(localIp, p.dstPort, p.srcIp, p.srcPort, g.seq, g.ack, now) : -1;
        if (mss < 0) {
            rcv.drops().count(DropReason.TCP_BAD_COOKIE, cx.stripe());
            replyReset(p, g, cx);
            return io.flexnet.proto.Layer.DONE;
        }
        if (l.isClosed()) return rcv.drop(p, DropReason.TCP_NO_LISTENER, cx);
        Connection c = table.allocate();
        if (c == null) return rcv.drop(p, DropReason.TCP_SYN_FLOOD, cx);
        c.own();
        int r;
        try {
            c.init(localIp, p.dstPort, p.srcIp, p.srcPort, now);
            c.iss = g.ack - 1;
            c.sndUna = c.sndNxt = c.sndMax = c.sndWl2 = c.recoverSeq = c.highRxt = g.ack;
            c.bufSeq = g.ack;
            c.synAcked = true;
            c.irs = g.seq - 1;
            c.rcvNxt = g.seq;
            c.sndWl1 = g.seq;
            c.sndMss = clampMss(mss);
            c.rcvScale = 0;
            c.sndWnd = g.window;
            c.maxSndWnd = c.sndWnd;
            c.rcvAdvRight = c.rcvNxt + Math.min(config.receiveBuffer(), 0xFFFF);
            c.inPlace = l.inPlace();
            // On failure it is left CLOSED and unheld: release() takes it out of the table and gives it back.
            if (!table.insert(c)) return rcv.drop(p, DropReason.TCP_IGNORED, cx);
            if (!l.offer(c)) return rcv.drop(p, DropReason.TCP_ACCEPT_QUEUE_FULL, cx);
            c.handedToApp = true;
            c.acceptReady = l;
            Input.initCc(c, now);
            c.to(TcpState.ESTABLISHED);
            c.events |= StreamConnection.ESTABLISHED | StreamConnection.WRITABLE;
            count(SYN_COOKIES_ACCEPTED, cx);
            count(PASSIVE_OPENS, cx);
            r = rcv.finish(c, p, Input.process(c, p, cx, false), cx);  // data riding on the ACK
        } finally {
            c.release(cx);
        }
        return r;
    }

    // ---------------------------------------------------------------- resets

    /** Answers {@code p} with a reset in its own slot (see {@link Replies#reset}). Takes ownership. */
    void replyReset(Packet p, Segment g, LayerContext cx) { replies.reset(p, g, cx); }

    /**
     * Answers a segment a filter rejected ({@code reject with tcp reset}) with a reset in a new slot;
     * {@code segment} stays the caller's (see {@link Replies#resetFor}).
     */
    public void resetFor(Packet segment, LayerContext cx) { replies.resetFor(segment, cx); }

    // ---------------------------------------------------------------- timers

    /** Puts connection {@code c}'s one wheel handle at {@code deadline} (earlier than what it holds). */
    void schedule(Connection c, long deadline) {
        wheelLock.lock();
        try {
            if (deadline < c.wheelAt) {
                wheel.schedule(c.id, deadline);
                c.wheelAt = deadline;
                if (deadline < nextTick) {
                    nextTick = deadline;
                    Runnable w = waker;
                    if (w != null) w.run();  // a driver asleep until a later deadline must wake sooner
                }
            }
        } finally {
            wheelLock.unlock();
        }
    }

    private int dueCount;
    /** Who is ticking: one thread at a time owns {@link #due}. */
    private final java.util.concurrent.atomic.AtomicBoolean ticking = new java.util.concurrent.atomic.AtomicBoolean();
    private final TimerWheel.Expiry onExpiry = this::expired;

    /** The wheel's callback, under the wheel lock: note the connection; it runs after the advance. */
    private void expired(int handle, long now) {
        Connection c = table.byId(handle);
        if (c == null) return;
        c.wheelAt = Long.MAX_VALUE;
        due[dueCount++] = handle;
    }

    /**
     * Fires the timers due at {@code cx.now()}: each connection whose deadline passed runs its timers, at
     * once if no thread owns it, else by its owner before it lets go. Cheap when nothing is due (one
     * volatile read); when two threads tick at once one advances the wheel and the other returns.
     * Returns how many connections had timers due.
     */
    public int tick(LayerContext cx) {
        final long now = cx.now();
        if (now < nextTick) return 0;
        if (!ticking.compareAndSet(false, true)) return 0;  // another thread is ticking
        try {
            int n;
            wheelLock.lock();
            try {
                dueCount = 0;
                wheel.advance(now, onExpiry);
                n = dueCount;
                nextTick = wheel.nextDeadline();
            } finally {
                wheelLock.unlock();
            }
            // Outside the wheel lock: a connection's timers (and the callbacks they end in) may take
            // other connections and re-arm through schedule().
            for (int i = 0; i < n; i++) {
                Connection c = table.byId(due[i]);
                c.timerDue();
                if (c.tryOwn()) c.release(cx);
            }
            return n;
        } finally {
            ticking.set(false);
        }
    }

    private volatile Runnable waker;

    /**
     * Sets what to run when a timer is armed earlier than every deadline before it (under the wheel
     * lock: it must only wake something, as unparking a thread does), so a driver of {@link #tick} may
     * sleep until {@link #nextDeadline()}. Null for none.
     */
    public void onEarlierDeadline(Runnable waker) { this.waker = waker; }

    /** The earliest timer deadline, or {@link Long#MAX_VALUE}: when a driver next needs to call {@link #tick}. */
    public long nextDeadline() { return nextTick; }

    /**
     * Drops, as {@code shutdown}, the segments still queued on connections' backlogs (for an engine whose
     * workers have stopped); returns how many.
     */
    public long discardBacklogs() {
        long n = 0;
        for (int i = 0; i < table.max(); i++) {
            Connection c = table.byId(i);
            if (c == null) break;
            for (Packet p; (p = c.backlog.poll()) != null; n++) rcv.drops().drop(p, DropReason.SHUTDOWN);
        }
        return n;
    }

    /** Removes a closed connection the application no longer holds from the table (owned by the caller). */
    void unlink(Connection c) {
        table.remove(c);
        c.inTable = false;
        wheelLock.lock();
        try {
            wheel.cancel(c.id);
            c.wheelAt = Long.MAX_VALUE;
        } finally {
            wheelLock.unlock();
        }
    }
}
