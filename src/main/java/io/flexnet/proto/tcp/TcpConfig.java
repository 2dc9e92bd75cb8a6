package io.flexnet.proto.tcp;

/**
 * The settings of one stack's TCP, fixed when it is attached. {@link #defaults()} follows Linux where
 * Linux has a number (RTO bounds, SYN-ACK retries, 60 s TIME_WAIT and FIN_WAIT_2, 40 ms delayed ACK,
 * the ephemeral port range) and sizes the rest for a small host.
 *
 * <pre>{@code
 * TcpConfig c = TcpConfig.defaults().withBuffers(1 << 20, 1 << 20).withTimeWait(1_000_000_000L);
 * Tcp tcp = Tcp.attach(stack, c);
 * }</pre>
 *
 * @param maxConnections    connections the table holds at once (every state but LISTEN); bounded memory
 * @param sendBuffer        bytes of each connection's send buffer
 * @param receiveBuffer     bytes of each connection's receive buffer (the largest window it offers)
 * @param synBacklog        SYN_RECEIVED entries a listener keeps by default before it answers with SYN cookies
 * @param synCookies        whether to answer with SYN cookies past the SYN backlog (else the SYN is dropped)
 * @param segmentBacklog    segments queued for a connection while another thread owns it
 * @param oooRanges         out-of-order ranges the receiver keeps (and SACK ranges the sender keeps)
 * @param timeWait          TIME_WAIT, 2·MSL, nanoseconds
 * @param finWait2          how long an orphaned FIN_WAIT_2 waits for the peer's FIN, nanoseconds
 * @param delayedAck        delayed-ACK timer, nanoseconds
 * @param quickAcks         segments ACKed at once at the start of a connection (Linux's quick-ACK mode)
 * @param minRto            RFC 6298 lower bound, nanoseconds
 * @param maxRto            upper bound, nanoseconds
 * @param initialRto        before the first sample, nanoseconds
 * @param synRetries        SYN (and SYN-ACK) retransmissions before the open fails
 * @param dataRetries       data retransmissions before the connection is dropped as timed out
 * @param keepAliveIdle     idle time before the first keepalive probe when keepalive is on, nanoseconds
 * @param keepAliveInterval time between probes, nanoseconds
 * @param keepAliveProbes   unanswered probes before the connection is dropped
 * @param challengeAcks     challenge ACKs sent per second at most, stack-wide (RFC 5961 §7)
 * @param congestionControl the algorithm's name, {@code "cubic"} or {@code "newreno"}
 * @param timestamps        offer RFC 7323 timestamps
 * @param sack              offer SACK (RFC 2018)
 * @param windowScaling     offer window scaling (RFC 7323)
 * @param ephemeralLow      lowest local port {@code connect} chooses
 * @param ephemeralHigh     highest local port {@code connect} chooses
 * @param tickNanos         width of a timer-wheel slot
 */
public record TcpConfig(int maxConnections, int sendBuffer, int receiveBuffer, int synBacklog, boolean synCookies,
                        int segmentBacklog, int oooRanges, long timeWait, long finWait2, long delayedAck, int quickAcks,
                        long minRto, long maxRto, long initialRto, int synRetries, int dataRetries, long keepAliveIdle,
                        long keepAliveInterval, int keepAliveProbes, int challengeAcks, String congestionControl,
                        boolean timestamps, boolean sack, boolean windowScaling, int ephemeralLow, int ephemeralHigh,
                        long tickNanos) {
    private static final long MS = 1_000_000L, S = 1_000_000_000L;
    /** The smallest MSS we send with or accept from a peer (Linux's {@code tcp_min_snd_mss} is 48). */
    public static final int MIN_MSS = 64;

    public TcpConfig {
        if (maxConnections < 1 || maxConnections > (1 << 20)) throw bad("maxConnections", maxConnections, "1..2^20");
        if (sendBuffer < 1024 || sendBuffer > (1 << 30)) throw bad("sendBuffer", sendBuffer, "1 KiB..1 GiB");
        if (receiveBuffer < 1024 || receiveBuffer > (1 << 30)) throw bad("receiveBuffer", receiveBuffer, "1 KiB..1 GiB");
        if (synBacklog < 1) throw bad("synBacklog", synBacklog, "at least 1");
        if (segmentBacklog < 2) throw bad("segmentBacklog", segmentBacklog, "at least 2");
        if (oooRanges < 1 || oooRanges > 1024) throw bad("oooRanges", oooRanges, "1..1024");
        if (timeWait < 0 || finWait2 < 0 || delayedAck < 0) throw new IllegalArgumentException("timers must not be negative");
        if (minRto <= 0 || maxRto < minRto || initialRto < minRto || initialRto > maxRto) {
            throw new IllegalArgumentException("RTO bounds: need 0 < minRto <= initialRto <= maxRto");
        }
        if (ephemeralLow < 1024 || ephemeralHigh > 65535 || ephemeralLow > ephemeralHigh) {
            throw new IllegalArgumentException("ephemeral range " + ephemeralLow + "-" + ephemeralHigh + " is not within 1024-65535");
        }
        if (tickNanos <= 0) throw bad("tickNanos", tickNanos, "positive");
    }

    private static IllegalArgumentException bad(String what, long v, String range) {
        return new IllegalArgumentException(what + " must be " + range + ", got " + v);
    }

    public static TcpConfig defaults() {
        return new TcpConfig(1024, 256 * 1024, 256 * 1024, 128, true, 256, 32, 60 * S, 60 * S, 40 * MS, 16,
                200 * MS, 120 * S, S, 6, 15, 7200 * S, 75 * S, 9, 1000, "cubic", true, true, true, 32768, 60999,
                MS);
    }

    public TcpConfig withBuffers(int send, int receive) {
        return new TcpConfig(maxConnections, send, receive, synBacklog, synCookies, segmentBacklog, oooRanges, timeWait,
                finWait2, delayedAck, quickAcks, minRto, maxRto, initialRto, synRetries, dataRetries, keepAliveIdle,
                keepAliveInterval, keepAliveProbes, challengeAcks, congestionControl, timestamps, sack, windowScaling,
                ephemeralLow, ephemeralHigh, tickNanos);
    }

    public TcpConfig withMaxConnections(int n) {
        return new TcpConfig(n, sendBuffer, receiveBuffer, synBacklog, synCookies, segmentBacklog, oooRanges, timeWait,
                finWait2, delayedAck, quickAcks, minRto, maxRto, initialRto, synRetries, dataRetries, keepAliveIdle,
                keepAliveInterval, keepAliveProbes, challengeAcks, congestionControl, timestamps, sack, windowScaling,
                ephemeralLow, ephemeralHigh, tickNanos);
    }

    /** TIME_WAIT (2·MSL) in nanoseconds. */
    public TcpConfig withTimeWait(long nanos) {
        return new TcpConfig(maxConnections, sendBuffer, receiveBuffer, synBacklog, synCookies, segmentBacklog, oooRanges,
                nanos, finWait2, delayedAck, quickAcks, minRto, maxRto, initialRto, synRetries, dataRetries, keepAliveIdle,
                keepAliveInterval, keepAliveProbes, challengeAcks, congestionControl, timestamps, sack, windowScaling,
                ephemeralLow, ephemeralHigh, tickNanos);
    }

    public TcpConfig withCongestionControl(String name) {
        return new TcpConfig(maxConnections, sendBuffer, receiveBuffer, synBacklog, synCookies, segmentBacklog, oooRanges,
                timeWait, finWait2, delayedAck, quickAcks, minRto, maxRto, initialRto, synRetries, dataRetries,
                keepAliveIdle, keepAliveInterval, keepAliveProbes, challengeAcks, name, timestamps, sack, windowScaling,
                ephemeralLow, ephemeralHigh, tickNanos);
    }

    /** Which options to offer in a SYN. */
    public TcpConfig withOptions(boolean timestamps, boolean sack, boolean windowScaling) {
        return new TcpConfig(maxConnections, sendBuffer, receiveBuffer, synBacklog, synCookies, segmentBacklog, oooRanges,
                timeWait, finWait2, delayedAck, quickAcks, minRto, maxRto, initialRto, synRetries, dataRetries,
                keepAliveIdle, keepAliveInterval, keepAliveProbes, challengeAcks, congestionControl, timestamps, sack,
                windowScaling, ephemeralLow, ephemeralHigh, tickNanos);
    }

    public TcpConfig withSynBacklog(int n, boolean cookies) {
        return new TcpConfig(maxConnections, sendBuffer, receiveBuffer, n, cookies, segmentBacklog, oooRanges, timeWait,
                finWait2, delayedAck, quickAcks, minRto, maxRto, initialRto, synRetries, dataRetries, keepAliveIdle,
                keepAliveInterval, keepAliveProbes, challengeAcks, congestionControl, timestamps, sack, windowScaling,
                ephemeralLow, ephemeralHigh, tickNanos);
    }

    /** Quick-ACK segments at the start of a connection (0: delay from the first). */
    public TcpConfig withQuickAcks(int n) {
        return new TcpConfig(maxConnections, sendBuffer, receiveBuffer, synBacklog, synCookies, segmentBacklog, oooRanges,
                timeWait, finWait2, delayedAck, n, minRto, maxRto, initialRto, synRetries, dataRetries, keepAliveIdle,
                keepAliveInterval, keepAliveProbes, challengeAcks, congestionControl, timestamps, sack, windowScaling,
                ephemeralLow, ephemeralHigh, tickNanos);
    }

    /** The receive window scale we offer: the least shift that lets the buffer be advertised whole. */
    int receiveScale() {
        int shift = 0;
        while (shift < 14 && (receiveBuffer >>> shift) > 0xFFFF) shift++;
        return shift;
    }
}
