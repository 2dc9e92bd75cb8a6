package io.flexnet.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.Ip4;
import org.junit.jupiter.api.Test;

/** The ICMP error ceilings at their edges: time zero, very long silences, many destinations, limits of 0. */
class IcmpRateLimitEdgesTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int A = Ip4.parse("198.18.0.1");

    @Test
    void aHostStartsWithItsWholeBurstEvenAtTimeZero() {
        IcmpRateLimit r = new IcmpRateLimit(0, 1000, 3);
        for (int i = 0; i < 3; i++) assertTrue(r.allow(A + i, 0), "error " + i);
        assertFalse(r.allow(A + 3, 0));
    }

    @Test
    void aSilenceOfCenturiesRefillsTheBucketWithoutOverflow() {
        IcmpRateLimit r = new IcmpRateLimit(SECOND, 1_000_000, 50);
        assertTrue(r.allow(A, SECOND));
        long later = SECOND + 200L * 365 * 24 * 3600 * SECOND;  // 6.3e18 ns: times a million would overflow
        int sent = 0;
        for (int i = 0; i < 100; i++) if (r.allow(A + 1 + i, later)) sent++;
        assertEquals(50, sent, "a full burst, no more and no less");
    }

    @Test
    void aDestinationIsRememberedWhileOthersDrawErrors() {
        IcmpRateLimit r = new IcmpRateLimit(SECOND, Integer.MAX_VALUE, Integer.MAX_VALUE);
        for (int i = 0; i < 6; i++) assertTrue(r.allow(A, SECOND));
        assertFalse(r.allow(A, SECOND));
        for (int host = 2; host <= 40; host++) assertTrue(r.allow(Ip4.parse("198.18.0." + host), SECOND), "host " + host);
        assertFalse(r.allow(A, SECOND), "its empty bucket was not forgotten for a fresh one");
        assertTrue(r.allow(A, 2 * SECOND), "and it refills on its own schedule");
    }

    @Test
    void zeroLimitsAreLimitsAndNegativeOnesAreRefused() {
        IcmpRateLimit noPerDestination = new IcmpRateLimit(0, Integer.MAX_VALUE, 0);
        for (int i = 0; i < 100; i++) assertTrue(noPerDestination.allow(A, SECOND), "interval 0: no per-destination limit");
        IcmpRateLimit noBurst = new IcmpRateLimit(SECOND, 1000, 0);
        assertFalse(noBurst.allow(A, SECOND), "a burst of 0 lets nothing through");
        assertThrows(IllegalArgumentException.class, () -> new IcmpRateLimit(SECOND, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> new IcmpRateLimit(SECOND, 10, -1));
        long longest = Long.MAX_VALUE / 12;  // six tokens of it must still add up without overflow
        new IcmpRateLimit(longest, 10, 10);
        assertThrows(IllegalArgumentException.class, () -> new IcmpRateLimit(longest + 1, 10, 10));
    }

    @Test
    void describesItsLimitsAsLinuxNamesThem() {
        assertEquals("ICMP errors: 6 then 1 per 1000 ms per destination, 1000/s burst 50",
                IcmpRateLimit.linuxDefaults().toString());
        assertEquals("ICMP errors: no per-destination limit, no global limit", IcmpRateLimit.unlimited().toString());
    }
}
