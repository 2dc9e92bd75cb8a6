package io.flexnet.proto.tcp;

/**
 * RFC 6298's retransmission-timeout estimator, one per connection, in nanoseconds: SRTT and RTTVAR
 * from the first sample (SRTT = R, RTTVAR = R/2), then with alpha = 1/8 and beta = 1/4; RTO = SRTT +
 * max(G, 4·RTTVAR), clamped to [min, max]; doubled by {@link #backoff} up to max. Karn's rule is the
 * caller's: it must not sample a retransmitted segment (timestamps make every ACK a valid sample).
 *
 * <p>Integer arithmetic in nanoseconds: RTTVAR is updated from the old SRTT before SRTT moves
 * (RFC 6298 §2.3's order), each division truncating. Before any sample RTO is the initial value
 * (clamped like any other).
 */
public final class RttEstimator {
    private final long minRto;
    private final long maxRto;
    private final long initialRto;
    private final long granularity;
    private boolean sampled;
    private long srtt;
    private long rttvar;
    /** RTO from the estimate, before back-off. */
    private long baseRto;
    /** RTO with back-off: doubled per timeout, never above max. */
    private long rto;

    /** Linux's bounds: 200 ms minimum, 120 s maximum, 1 s initial (RFC 6298 §2.1), 1 ms granularity. */
    public static RttEstimator linux() {
        return new RttEstimator(200_000_000L, 120_000_000_000L, 1_000_000_000L, 1_000_000L);
    }

    public RttEstimator(long minRto, long maxRto, long initialRto, long granularity) {
        if (minRto <= 0 || maxRto < minRto) {
            throw new IllegalArgumentException("RTO bounds must satisfy 0 < min <= max, not [" + minRto + ", " + maxRto + "]");
        }
        if (initialRto <= 0) throw new IllegalArgumentException("initial RTO must be positive, not " + initialRto);
        if (granularity < 0) throw new IllegalArgumentException("clock granularity cannot be negative: " + granularity);
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.initialRto = initialRto;
        this.granularity = granularity;
        reset();
    }

    /** Takes one round-trip measurement and recomputes RTO (and clears the back-off). */
    public void sample(long rtt) {
        if (rtt < 0) throw new IllegalArgumentException("a round-trip time cannot be negative: " + rtt + " ns");
        if (!sampled) {
            srtt = rtt;                                  // (2.2)
            rttvar = rtt / 2;
            sampled = true;
        } else {
            long err = srtt - rtt;                       // (2.3): RTTVAR first, from the old SRTT
            rttvar = (3 * rttvar + Math.abs(err)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
        baseRto = clamp(srtt + Math.max(granularity, 4 * rttvar));
        rto = baseRto;
    }

    /** Doubles RTO after a retransmission timeout, up to the maximum (RFC 6298 §5.5). */
    public void backoff() {
        rto = rto > maxRto / 2 ? maxRto : rto * 2;
    }

    /** Back to the state before any sample (RFC 6298 §5.7 after repeated timeouts on a new connection). */
    public void reset() {
        sampled = false;
        srtt = 0;
        rttvar = 0;
        baseRto = clamp(initialRto);
        rto = baseRto;
    }

    public boolean hasSample() { return sampled; }
    public long srtt() { return srtt; }
    public long rttvar() { return rttvar; }
    /** The current retransmission timeout, back-off included. */
    public long rto() { return rto; }

    private long clamp(long v) { return Math.max(minRto, Math.min(maxRto, v)); }
}
