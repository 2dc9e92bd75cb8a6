package io.flexnet.proto.tcp;

/**
 * RFC 6298's retransmission-timeout estimator, one per connection, in nanoseconds: SRTT and RTTVAR
 * from the first sample (SRTT = R, RTTVAR = R/2), then with alpha = 1/8 and beta = 1/4; RTO = SRTT +
 * max(G, 4·RTTVAR), clamped to [min, max]; doubled by {@link #backoff} up to max. Karn's rule is the
 * caller's: it must not sample a retransmitted segment (timestamps make every ACK a valid sample).
 */
public final class RttEstimator {
    /** Linux's bounds: 200 ms minimum, 120 s maximum, 1 s initial (RFC 6298 §2.1), 1 ms granularity. */
    public static RttEstimator linux() { throw new UnsupportedOperationException(); }

    public RttEstimator(long minRto, long maxRto, long initialRto, long granularity) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Takes one round-trip measurement and recomputes RTO (and clears the back-off). */
    public void sample(long rtt) { throw new UnsupportedOperationException(); }

    /** Doubles RTO after a retransmission timeout, up to the maximum (RFC 6298 §5.5). */
    public void backoff() { throw new UnsupportedOperationException(); }

    /** Back to the state before any sample (RFC 6298 §5.7 after repeated timeouts on a new connection). */
    public void reset() { throw new UnsupportedOperationException(); }

    public boolean hasSample() { throw new UnsupportedOperationException(); }
    public long srtt() { throw new UnsupportedOperationException(); }
    public long rttvar() { throw new UnsupportedOperationException(); }
    /** The current retransmission timeout, back-off included. */
    public long rto() { throw new UnsupportedOperationException(); }
}
