package io.flexnet.proto.tcp;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.tcp.cc.CcState;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * One TCP connection: its RFC 9293 variables, its buffers, its timers' deadlines, and the one rule that
 * keeps it whole under many threads — Linux's socket lock. A thread changes the connection only while it
 * <em>owns</em> it ({@link #tryOwn}, a compare-and-set of {@code owner}); a worker that finds it owned
 * queues the segment on the connection's bounded {@link #backlog} and goes on, and the owner drains
 * the backlog (and any timer that came due meanwhile) before it lets go ({@link #release}). Application
 * calls take the same ownership, waiting for it through the stack's runtime. Readiness callbacks run
 * after ownership is let go, so a callback may call back in.
 *
 * <p>The arriving-segment logic is {@link Input}'s and the segment building {@link Emitter}'s; this file
 * holds the state, the ownership, the timers' dispatch and the application's side
 * ({@link StreamConnection}).
 *
 * <p>Objects are made once (lazily, up to the table's bound) and reused: a connection is recycled only
 * when the protocol is done with it (CLOSED) and the application has let go of it ({@link #close()} or
 * {@link #abort()}), or never held it.
 */
final class Connection implements StreamConnection {
    static final int PENDING_TIMER = 1;
    private static final VarHandle OWNER, PENDING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OWNER = l.findVarHandle(Connection.class, "owner", int.class);
            PENDING = l.findVarHandle(Connection.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Tcp tcp;
    final int id;
    final Segment seg = new Segment();
    final MpscAtomicArrayQueue<Packet> backlog;
    /** 0 free, 1 owned: compare-and-set to own, volatile store to let go (see {@link #release}). */
    @SuppressWarnings("unused") private volatile int owner;
    /** Work left for the next owner: {@link #PENDING_TIMER}. Set with getAndBitwiseOr, taken with getAndSet. */
    @SuppressWarnings("unused") private volatile int pending;

    // Identity: written while owned before the connection enters the table.
    long key;
    int localIp, localPort, remoteIp, remotePort, hash;
    volatile TcpState state = TcpState.CLOSED;
    Listener listener;        // passive opens until accepted: whose accept queue and SYN backlog
    boolean inPlace;          // data delivered at the pipeline's yield() (run-to-completion)
    boolean handedToApp;      // the application holds it (accepted, or connect's result)
    volatile boolean appReleased;  // the application called close() or abort()
    boolean inTable;
    boolean allocated;        // between init and going back to the free list
    int incarnation;          // counts inits: tells a reused object from the connection it was

    // Send side (RFC 9293 §3.3.1), sequence numbers as Seq ints.
    int iss, sndUna, sndNxt, sndMax, sndWl1, sndWl2, recoverSeq, highRxt;
    long sndWnd, maxSndWnd;
    int sndScale, sndMss;
    /** Sequence number of the send buffer's first byte. */
    int bufSeq;
    boolean finQueued, finAcked, synAcked;
    ByteRing sndBuf;
    SackScoreboard scoreboard;
    final CcState cc = new CcState();
    io.flexnet.proto.tcp.cc.CongestionControl ccAlgo;
    RttEstimator rtt;
    boolean inRecovery, rttTiming;
    /** Eifel (RFC 3522): the window before a fast retransmit and the TSval it went with, to undo it if spurious. */
    boolean undoArmed;
    long undoCwnd, undoSsthresh;
    int undoTs;
    int rttSeq, dupAcks, retries, persistBackoff, keepAliveSent;
    /** RACK-TLP ({@link Rack}): the probe and reordering deadlines, the probe in flight and the SND.MAX it
     *  went out under, when SACKed data was first seen above SND.UNA, the holes held lost below a sequence. */
    long tlpAt = Long.MAX_VALUE, reoAt = Long.MAX_VALUE, sackSince = Long.MAX_VALUE;
    boolean tlpOut, reorderSeen;
    int tlpHigh, tlpUna, rackLostBelow;
    /** Retransmissions in question, a ring of {@link Rack#RECORDS}: range, SND.MAX when sent, time. */
    final int[] rxSeq = new int[Rack.RECORDS], rxEnd = new int[Rack.RECORDS], rxSndMax = new int[Rack.RECORDS];
    final long[] rxTime = new long[Rack.RECORDS];
    final int[] lostSeq = new int[Rack.RECORDS], lostEnd = new int[Rack.RECORDS];
    int rxHead, rxCount;
    long rttStart, lastSend, lastRecv;

    // Receive side.
    int irs, rcvNxt, rcvAdvRight, rcvScale, rcvMss, rcvUnacked, quickAcks;
    /**
     * The reader took a small message whole and its ACK waits for the answer to carry it, or for the
     * reader to find the buffer empty ({@link Emitter#afterRead}).
     */
    boolean ackWhenDrained;
    private volatile Object attachment;

    @Override public Object attachment() { return attachment; }
    @Override public void attach(Object o) { attachment = o; }
    boolean finReceived, sackOk, tsOk, wsOk;
    int tsRecent, tsOffset, lastAckSent;
    /** The last TSval sent: TSval never goes backwards, whichever thread's time the segment was sent at. */
    int tsLast;
    long tsRecentAt;
    ByteRing rcvBuf;
    Reassembly ooo;
    final int[] sackOut = new int[8];

    // Timers: deadlines in the stack's nanoseconds, Long.MAX_VALUE when off. wheelAt: what the wheel holds.
    long rtoAt = Long.MAX_VALUE, delackAt = Long.MAX_VALUE, persistAt = Long.MAX_VALUE,
            keepAliveAt = Long.MAX_VALUE, closeAt = Long.MAX_VALUE;
    volatile long wheelAt = Long.MAX_VALUE;
    boolean keepAlive;
    /** TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT of this connection: the config's unless set. */
    long keepAliveIdle, keepAliveInterval;
    int keepAliveProbes;
    /** An early FIN's sequence number (the byte after the segment it ended), held until the data before it arrives. */
    int finSeq;
    boolean finPending;

    // Application side.
    boolean noDelay, shutOutput;
    volatile String error;
    volatile Notifier notifier;
    int events;               // readiness bits gathered while owned, fired at release
    Listener acceptReady;     // a listener to tell at release that a connection is ready

    Connection(Tcp tcp, int id) {
        this.tcp = tcp;
        this.id = id;
        this.backlog = new MpscAtomicArrayQueue<>(tcp.config().segmentBacklog());
    }

    // ---------------------------------------------------------------- ownership

    boolean tryOwn() { return (int) OWNER.getVolatile(this) == 0 && OWNER.compareAndSet(this, 0, 1); }

    /** For application calls: waits (through the runtime, so a simulated one sees it) until owned. */
    void own() {
        while (!tryOwn()) tcp.runtime().spinWait();
    }

    /** Notes a timer came due; whoever owns the connection runs it. */
    void timerDue() { PENDING.getAndBitwiseOr(this, PENDING_TIMER); }

    /**
     * Lets go of the connection: drains the segments other threads queued and runs due timers first, so
     * nothing waits for a next owner that may never come. The volatile store of {@code owner} and the
     * volatile reads of the backlog and {@code pending} after it pair with a producer's enqueue followed
     * by its read of {@code owner}: one of the two sides always sees the other (Dekker), so a segment
     * queued as the owner leaves is drained by someone.
     */
    void release(LayerContext cx) {
        for (;;) {
            drainBacklog(cx);
            // A volatile read first: the atomic swap only when a timer is pending (rare), not per segment.
            if ((int) PENDING.getVolatile(this) != 0 && ((int) PENDING.getAndSet(this, 0) & PENDING_TIMER) != 0) {
                try {
                    Timers.run(this, cx);
                } catch (RuntimeException e) {
                    tcp.fault(e, cx);  // counted; the connection must not stay owned for good
                }
            }
            // A closed connection leaves the table at once (its four-tuple is free again); the object
            // goes back to the free list only when the application no longer holds it.
            boolean free = false;
            if (state == TcpState.CLOSED) {
                if (inTable) tcp.unlink(this);
                if (allocated && (appReleased || !handedToApp)) {
                    allocated = false;
                    free = true;
                }
            }
            int ev = events;
            events = 0;
            Listener ready = acceptReady;
            acceptReady = null;
            OWNER.setVolatile(this, 0);
            if (free) tcp.table().free(this);  // after letting go: whoever allocates it next owns it first
            if (ev != 0) fire(ev);
            if (ready != null) ready.fireReady();
            if (backlog.isEmpty() && (int) PENDING.getVolatile(this) == 0) return;
            if (!tryOwn()) return;  // another thread owns it now and will drain
        }
    }

    /**
     * Processes the segments queued for an owner, in their order, under the caller's ownership. An owner
     * lets go before it looks at its backlog once more, so a thread that takes ownership in between
     * must drain the backlog before its own segment, or that segment overtakes the queued ones and the
     * connection sees reordering the wire never had. Bounded: one drain takes at most four backlogs'
     * worth, and the release loop takes the rest.
     */
    void drainBacklog(LayerContext cx) {
        Packet p;
        int guard = tcp.config().segmentBacklog() * 4;
        while (guard-- > 0 && (p = backlog.relaxedPoll()) != null) tcp.rcv().underOwnership(this, p, cx);
    }

    private void fire(int ev) {
        Notifier n = notifier;
        if (n == null) return;
        try {
            n.changed(this, ev);
        } catch (RuntimeException | Error e) {
            tcp.notifierFault(e);
        }
    }

    // ---------------------------------------------------------------- life cycle

    /** Resets every variable for a new connection with this identity (owned, not yet in the table). */
    void init(int localIp, int localPort, int remoteIp, int remotePort, long now) {
        TcpConfig c = tcp.config();
        this.localIp = localIp;
        this.localPort = localPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.key = ConnTable.key(remoteIp, remotePort, localPort);
        this.hash = (int) (key ^ (key >>> 29)) * 0x9E3779B1;
        if (sndBuf == null) {
            sndBuf = new ByteRing(c.sendBuffer());
            rcvBuf = new ByteRing(c.receiveBuffer());
            ooo = new Reassembly(c.oooRanges());
            scoreboard = new SackScoreboard(c.oooRanges());
            rtt = new RttEstimator(c.minRto(), c.maxRto(), c.initialRto(), 1_000_000L);
        } else {
            sndBuf.clear();
            rcvBuf.clear();
            ooo.clear();
            scoreboard.clear();
            rtt.reset();
        }
        for (Packet stale; (stale = backlog.relaxedPoll()) != null; ) {
            tcp.rcv().drops().drop(stale, io.flexnet.packet.DropReason.TCP_CLOSED);  // for an earlier incarnation
        }
        state = TcpState.CLOSED;
        listener = null;
        inPlace = handedToApp = appReleased = false;
        attachment = null;
        allocated = true;
        incarnation++;
        iss = tcp.isn().isn(localIp, localPort, remoteIp, remotePort, now);
        sndUna = sndNxt = sndMax = sndWl1 = sndWl2 = recoverSeq = highRxt = iss;
        bufSeq = iss + 1;
        sndWnd = maxSndWnd = 0;
        sndScale = 0;
        sndMss = 536;
        finQueued = finAcked = synAcked = false;
        ccAlgo = tcp.congestionControl();
        cc.mss = sndMss;
        cc.cwnd = 0;
        cc.ssthresh = Long.MAX_VALUE;
        cc.inFlight = 0;
        cc.srtt = 0;
        java.util.Arrays.fill(cc.words, 0);
        java.util.Arrays.fill(cc.reals, 0);
        inRecovery = rttTiming = undoArmed = false;
        rttSeq = dupAcks = retries = persistBackoff = keepAliveSent = 0;
        rttStart = 0;
        lastSend = lastRecv = now;
        irs = rcvNxt = rcvAdvRight = 0;
        rcvScale = c.windowScaling() ? c.receiveScale() : 0;
        rcvMss = tcp.maxMss();
        rcvUnacked = 0;
        ackWhenDrained = false;
        quickAcks = c.quickAcks();
        finReceived = sackOk = tsOk = wsOk = false;
        tsRecent = lastAckSent = 0;
        tsRecentAt = now;
        tsOffset = iss * 0x2545F491;  // RFC 7323 §5.4: an offset per connection, from its secret ISN
        tsLast = tsOffset;
        rtoAt = delackAt = persistAt = keepAliveAt = closeAt = Long.MAX_VALUE;
        Rack.reset(this);
        reorderSeen = false;
        keepAlive = false;
        keepAliveIdle = c.keepAliveIdle();
        keepAliveInterval = c.keepAliveInterval();
        keepAliveProbes = c.keepAliveProbes();
        finPending = false;
        finSeq = 0;
        noDelay = shutOutput = false;
        error = null;
        notifier = null;
        events = 0;
        acceptReady = null;
    }

    /** Moves to {@code next}, keeping the per-state gauges. */
    void to(TcpState next) {
        TcpState prev = state;
        if (prev == next) return;
        state = next;
        tcp.stateChanged(prev, next);
        if (next == TcpState.CLOSED || next == TcpState.TIME_WAIT) {
            rtoAt = persistAt = keepAliveAt = delackAt = tlpAt = reoAt = Long.MAX_VALUE;
        }
        if (next == TcpState.CLOSED) {
            closeAt = Long.MAX_VALUE;
            if (listener != null) {
                if (prev == TcpState.SYN_RECEIVED) listener.synLeft();
                listener = null;
            }
            events |= CLOSED | READABLE | WRITABLE;
        }
    }

    /** The connection failed (reset, timeout): the application's next call says why. */
    void fail(String why) {
        if (error == null) error = why;
        to(TcpState.CLOSED);
    }

    /** RFC 9293's TCB free: once closed, the table entry goes (see {@link #release}). */
    boolean synchronizedState() {
        TcpState s = state;
        return s != TcpState.CLOSED && s != TcpState.LISTEN && s != TcpState.SYN_SENT;
    }

    /**
     * Our timestamp clock: milliseconds of the stack's time, offset per connection, and never below the
     * last value sent. A worker stamps with its round's time and an application thread with the
     * runtime's, which may be later: without the floor a worker's segment could carry a smaller TSval
     * than one sent just before it, and the peer's PAWS check (RFC 7323 §5) drops it as old.
     */
    int tsNow(long now) {
        int t = (int) (now / 1_000_000L) + tsOffset;
        if (Seq.lt(t, tsLast)) return tsLast;
        tsLast = t;
        return t;
    }

    /** Bytes sent and not yet acknowledged, SYN and FIN counted. */
    int flight() { return sndNxt - sndUna; }

    /** The sequence number of our FIN (valid once {@link #finQueued}). */
    int finSeq() { return bufSeq + sndBuf.size(); }

    /** Bytes in the send buffer not yet sent once. */
    int unsent() {
        int sentData = Seq.max(sndNxt, bufSeq) - bufSeq;
        return Math.max(0, sndBuf.size() - sentData);
    }

    /** Schedules {@code deadline} for this connection's one wheel handle if it is earlier than what the wheel holds. */
    void arm(long deadline) {
        if (deadline < wheelAt) tcp.schedule(this, deadline);
    }

    long nextDeadline() {
        return Math.min(Math.min(Math.min(rtoAt, delackAt), Math.min(Math.min(persistAt, keepAliveAt), closeAt)),
                Math.min(tlpAt, reoAt));
    }

    // ---------------------------------------------------------------- the application's side

    @Override
    public int read(byte[] dst, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        LayerContext cx = tcp.callerContext();
        own();
        try {
            int n = rcvBuf.read(dst, off, len);
            return afterRead(n, cx);
        } finally {
            release(cx);
        }
    }

    @Override
    public int read(MemorySegment dst, long off, int len) {
        LayerContext cx = tcp.callerContext();
        own();
        try {
            int n = rcvBuf.read(dst, off, len);
            return afterRead(n, cx);
        } finally {
            release(cx);
        }
    }

    @Override
    public int receiveSequence() {
        LayerContext cx = tcp.callerContext();
        own();
        try {
            return rcvNxt - rcvBuf.size();
        } finally {
            release(cx);
        }
    }

    @Override public int firstReceiveSequence() { return irs + 1; }

    private int afterRead(int n, LayerContext cx) {
        if (n == 0) {
            if (ackWhenDrained) Emitter.drained(this, cx);
            if (finReceived) return -1;
            if (error != null) throw new TcpException(error);
            return 0;
        }
        Emitter.afterRead(this, cx);
        return n;
    }

    @Override
    public int write(byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        LayerContext cx = tcp.callerContext();
        own();
        try {
            checkWritable();
            int n = sndBuf.write(src, off, len);
            if (n > 0) Emitter.output(this, cx, false);
            return n;
        } finally {
            release(cx);
        }
    }

    @Override
    public int write(MemorySegment src, long off, int len) {
        LayerContext cx = tcp.callerContext();
        own();
        try {
            checkWritable();
            int n = sndBuf.write(src, off, len);
            if (n > 0) Emitter.output(this, cx, false);
            return n;
        } finally {
            release(cx);
        }
    }

    /** Appends bytes handed to {@code tcp_send} (owned by the caller); returns how many fitted. */
    int append(MemorySegment src, long off, int len) {
        if (shutOutput || error != null || !canSend()) return -1;
        return sndBuf.write(src, off, len);
    }

    private void checkWritable() {
        if (error != null) throw new TcpException(error);
        if (shutOutput) throw new TcpException("connection " + this + ": output is shut down");
        if (!canSend()) throw new TcpException("connection " + this + " is " + state + ": cannot send");
    }

    private boolean canSend() {
        TcpState s = state;
        return s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT || s == TcpState.SYN_SENT
                || s == TcpState.SYN_RECEIVED;
    }

    @Override
    public int readable() { return state == TcpState.CLOSED && rcvBuf == null ? 0 : rcvBuf.size(); }

    @Override
    public int writable() { return shutOutput || !canSend() ? 0 : sndBuf.free(); }

    @Override
    public boolean eof() { return finReceived && rcvBuf.size() == 0; }

    @Override
    public void shutdownOutput() {
        LayerContext cx = tcp.callerContext();
        own();
        try {
            closeOutput(cx);
        } finally {
            release(cx);
        }
    }

    /** RFC 9293 CLOSE for the sending half: FIN after the buffered bytes. */
    void closeOutput(LayerContext cx) {
        if (shutOutput) return;
        shutOutput = true;
        switch (state) {
            case SYN_SENT -> fail("closed before it was established");
            case SYN_RECEIVED, ESTABLISHED -> {
                finQueued = true;
                to(TcpState.FIN_WAIT_1);
                Emitter.output(this, cx, false);
            }
            case CLOSE_WAIT -> {
                finQueued = true;
                to(TcpState.LAST_ACK);
                Emitter.output(this, cx, false);
            }
            default -> { }
        }
    }

    @Override
    public void close() {
        LayerContext cx = tcp.callerContext();
        own();
        try {
            appReleased = true;
            notifier = null;
            if (rcvBuf.size() > 0 && synchronizedState() && state != TcpState.TIME_WAIT) {
                // RFC 2525 §2.17 / Linux: closing with unread data resets the connection.
                Emitter.reset(this, cx);
                fail("closed with unread data");
                return;
            }
            closeOutput(cx);
            if (state == TcpState.FIN_WAIT_2) closeAt = cx.now() + tcp.config().finWait2();
            if (closeAt != Long.MAX_VALUE) arm(closeAt);
        } finally {
            release(cx);
        }
    }

    @Override
    public void abort() {
        LayerContext cx = tcp.callerContext();
        own();
        try {
            appReleased = true;
            notifier = null;
            if (synchronizedState() && state != TcpState.TIME_WAIT) Emitter.reset(this, cx);
            if (error == null) error = "aborted";
            to(TcpState.CLOSED);
        } finally {
            release(cx);
        }
    }

    @Override public TcpState state() { return state; }
    @Override public int localIp() { return localIp; }
    @Override public int localPort() { return localPort; }
    @Override public int remoteIp() { return remoteIp; }
    @Override public int remotePort() { return remotePort; }

    @Override
    public void notifier(Notifier n) { this.notifier = n; }

    @Override
    public void noDelay(boolean on) {
        LayerContext cx = tcp.callerContext();
        own();
        try {
            noDelay = on;
            if (on) Emitter.output(this, cx, false);
        } finally {
            release(cx);
        }
    }

    @Override
    public long bufferBytes() { return (long) tcp.config().sendBuffer() + tcp.config().receiveBuffer(); }

    /** SO_KEEPALIVE: probe an idle connection (this connection's idle time, interval and probe count). */
    @Override
    public void keepAlive(boolean on) {
        LayerContext cx = tcp.callerContext();
        own();
        try {
            keepAlive = on;
            keepAliveSent = 0;
            keepAliveAt = on ? cx.now() + keepAliveIdle : Long.MAX_VALUE;
            if (on) arm(keepAliveAt);
        } finally {
            release(cx);
        }
    }

    /** TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT for this connection, then keepalive on. */
    @Override
    public void keepAlive(long idleNanos, long intervalNanos, int probes) {
        if (idleNanos <= 0 || intervalNanos <= 0 || probes < 1) {
            throw new IllegalArgumentException("keepalive needs idle > 0, interval > 0 and probes >= 1; got "
                    + idleNanos + " ns, " + intervalNanos + " ns, " + probes);
        }
        own();
        try {
            keepAliveIdle = idleNanos;
            keepAliveInterval = intervalNanos;
            keepAliveProbes = probes;
        } finally {
            release(tcp.callerContext());
        }
        keepAlive(true);
    }

    /** What an observer or a test may read of the sender (a snapshot taken under ownership). */
    long[] snapshot() {
        return new long[] {sndUna, sndNxt, sndMax, sndWnd, cc.cwnd, rcvNxt, rcvAdvRight};
    }

    @Override
    public String toString() {
        return io.flexnet.packet.Ip4.format(localIp) + ":" + localPort + "-" + io.flexnet.packet.Ip4.format(remoteIp)
                + ":" + remotePort;
    }
}
