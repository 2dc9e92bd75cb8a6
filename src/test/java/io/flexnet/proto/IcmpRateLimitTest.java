package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.GATEWAY;
import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.Ip4;
import org.junit.jupiter.api.Test;

/**
 * ICMP errors are rate-limited as Linux limits them (icmp_ratelimit 1000 ms with a burst of six per
 * destination; icmp_msgs_per_sec 1000 with a burst of 50 for the host); what is held back is counted.
 */
class IcmpRateLimitTest {
    private static final long MS = 1_000_000L, SECOND = 1_000_000_000L;

    @Test
    void aFloodToAClosedPortFromOneHostDrawsSixErrorsThenOneASecond() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            for (int i = 0; i < 10_000; i++) h.receive(Frame.udp().from(PEER).to(US).ports(40000, 9999)
                    .payload(new byte[8]).build());
            assertEquals(6, h.drainSent().size(), "Linux's burst toward one destination");
            assertEquals(6, h.stack.icmp().counters().get("unreachable-sent"));
            assertEquals(9_994, h.stack.icmp().counters().get("rate-limited"));
            h.advance(999 * MS);
            h.receive(Frame.udp().from(PEER).to(US).ports(40000, 9999).payload(new byte[8]).build());
            assertEquals(0, h.drainSent().size(), "less than a second later: still held back");
            h.advance(MS);
            for (int i = 0; i < 100; i++) h.receive(Frame.udp().from(PEER).to(US).ports(40000, 9999)
                    .payload(new byte[8]).build());
            assertEquals(1, h.drainSent().size(), "one token a second");
        }
    }

    @Test
    void aFloodFromManyHostsIsCappedForTheWholeHost() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(GATEWAY.ip(), GATEWAY.mac());  // 198.18.1.0/24 is off-link: errors go via the gateway
            for (int round = 0; round < 10; round++) {
                for (int host = 1; host <= 200; host++) {
                    h.receive(Frame.udp().from(PEER).to(US).ipSrc(Ip4.parse("198.18.1." + host)).ports(40000, 9999)
                            .payload(new byte[8]).build());
                }
            }
            assertEquals(50, h.drainSent().size(), "icmp_msgs_burst for the host, whatever the sources");
            h.advance(SECOND);
            for (int host = 1; host <= 200; host++) {
                for (int i = 0; i < 10; i++) h.receive(Frame.udp().from(PEER).to(US)
                        .ipSrc(Ip4.parse("198.18.2." + host)).ports(40000, 9999).payload(new byte[8]).build());
            }
            assertEquals(50, h.drainSent().size(), "a second refills the host's bucket up to its burst, not beyond");
        }
    }

    @Test
    void theBucketsFollowLinuxArithmetic() {
        IcmpRateLimit r = new IcmpRateLimit(1000 * MS, 1000, 50);
        int a = Ip4.parse("198.18.0.1");
        long t = 5 * SECOND;
        for (int i = 0; i < 6; i++) assertTrue(r.allow(a, t), "burst " + i);
        assertFalse(r.allow(a, t));
        assertTrue(r.allow(a, t + 1000 * MS));
        assertFalse(r.allow(a, t + 1500 * MS));
        assertTrue(r.allow(a, t + 2000 * MS));
        assertTrue(r.allow(Ip4.parse("198.18.0.9"), t + 2000 * MS), "another destination has its own bucket");
    }

    @Test
    void theHostBucketRefillsAtItsRate() {
        IcmpRateLimit r = new IcmpRateLimit(0, 1000, 50);
        long t = SECOND;
        int sent = 0;
        for (int i = 0; i < 1000; i++) if (r.allow(i + 1, t)) sent++;
        assertEquals(50, sent);
        assertFalse(r.allow(7, t + 999_000));           // under a millisecond: less than one token
        assertTrue(r.allow(7, t + MS));                 // a millisecond: one token at 1000/s
        for (int i = 0; i < 100; i++) r.allow(i, t + 10 * SECOND);
        assertFalse(r.allow(1, t + 10 * SECOND), "a long quiet time refills to the burst and no further");
    }

    @Test
    void limitsCanBeChangedAndRefuseNonsense() {
        try (Harness h = new Harness()) {
            h.stack.icmp().rateLimit(IcmpRateLimit.unlimited());
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            int sent = 0;
            for (int i = 0; i < 500; i++) {
                h.receive(Frame.udp().from(PEER).to(US).ports(40000, 9999).payload(new byte[8]).build());
                sent += h.drainSent().size();  // the harness's pool is small: give the slots back
            }
            assertEquals(500, sent);
        }
        assertThrows(IllegalArgumentException.class, () -> new IcmpRateLimit(-1, 10, 10));
        IcmpRateLimit none = new IcmpRateLimit(SECOND, 0, 50);
        assertFalse(none.allow(1, SECOND), "0 per second sends nothing");
    }
}
