package io.flexnet.proto.tcp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * RFC 5961 §7: at most {@code perSecond} challenge ACKs a second for the whole stack (Linux's
 * {@code tcp_challenge_ack_limit}), so an attacker cannot use them to learn sequence numbers at speed
 * or to make the stack flood. One word holds the second and the count, updated by compare-and-set.
 */
final class ChallengeAckLimit {
    private final int perSecond;
    /** High 32 bits: the second (of the stack's clock); low 32: challenge ACKs sent in it. */
    private final AtomicLong state = new AtomicLong(-1L << 32);

    ChallengeAckLimit(int perSecond) { this.perSecond = perSecond; }

    /** True when one more challenge ACK may go at {@code now}. */
    boolean allow(long now) {
        final long second = now / 1_000_000_000L;
        for (int tries = 0; tries < 16; tries++) {
            long s = state.get();
            long sec = s >> 32;
            long n = s & 0xFFFF_FFFFL;
            long next;
            if (sec != (second & 0x7FFF_FFFFL)) next = (second & 0x7FFF_FFFFL) << 32 | 1;
            else if (n >= perSecond) return false;
            else next = s + 1;
            if (state.compareAndSet(s, next)) return true;
        }
        return false;  // heavy contention: refusing is the safe side
    }
}
