package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SynCookiesTest {
    private static final long S = 1_000_000_000L;
    private static final int SERVER = 0xC6120001, CLIENT = 0xC6120002;
    private final SynCookies cookies = new SynCookies(0xfeedL, 0xbeefL);

    @Test
    void roundTripForEveryMssIndex() {
        for (int i = 0; i < SynCookies.MSS_TABLE.length; i++) {
            int mss = SynCookies.MSS_TABLE[i];
            for (int clientIsn : new int[] {0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x1234_5678}) {
                int c = cookies.cookie(SERVER, 80, CLIENT, 40000, clientIsn, mss, 10 * S);
                // The final ACK: seq = clientIsn + 1, ack = cookie + 1.
                assertEquals(mss, cookies.check(SERVER, 80, CLIENT, 40000, clientIsn + 1, c + 1, 10 * S));
                assertEquals(mss, cookies.check(SERVER, 80, CLIENT, 40000, clientIsn + 1, c + 1, 70 * S));
            }
        }
    }

    @Test
    void mssRoundsDownToTheTable() {
        assertEquals(0, SynCookies.mssIndex(100));
        assertEquals(0, SynCookies.mssIndex(1299));
        assertEquals(1, SynCookies.mssIndex(1300));
        assertEquals(2, SynCookies.mssIndex(1459));
        assertEquals(3, SynCookies.mssIndex(9000));
        int c = cookies.cookie(SERVER, 80, CLIENT, 40000, 7, 1400, 0);
        assertEquals(1300, cookies.check(SERVER, 80, CLIENT, 40000, 8, c + 1, 0));
    }

    @Test
    void staleAfterTwoCounterPeriods() {
        int c = cookies.cookie(SERVER, 80, CLIENT, 40000, 99, 1460, 10 * S);
        assertEquals(1460, cookies.check(SERVER, 80, CLIENT, 40000, 100, c + 1, 127 * S));  // counter 1: fresh
        assertEquals(-1, cookies.check(SERVER, 80, CLIENT, 40000, 100, c + 1, 128 * S));   // counter 2: stale
        assertEquals(-1, cookies.check(SERVER, 80, CLIENT, 40000, 100, c + 1, 10 * S + 256 * 64 * S)); // wrapped
    }

    @Test
    void forgedAcksFail() {
        Random r = new Random(5);
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            int seq = r.nextInt();
            if (cookies.check(SERVER, 80, CLIENT, 40000, seq, r.nextInt(), 10 * S) != -1) accepted++;
        }
        // Each guess passes with probability 2 counters/256 * 4 indices/2^24, about 2e-9.
        assertEquals(0, accepted);
        int c = cookies.cookie(SERVER, 80, CLIENT, 40000, 99, 1460, 10 * S);
        assertEquals(-1, cookies.check(SERVER, 80, CLIENT, 40000, 100, c + 2, 10 * S));     // off by one
        assertEquals(-1, cookies.check(SERVER, 80, CLIENT, 40000, 101, c + 1, 10 * S));     // other client ISN
    }

    @Test
    void boundToTheFourTuple() {
        int c = cookies.cookie(SERVER, 80, CLIENT, 40000, 99, 1460, 10 * S);
        assertEquals(-1, cookies.check(SERVER, 80, CLIENT, 40001, 100, c + 1, 10 * S));
        assertEquals(-1, cookies.check(SERVER, 81, CLIENT, 40000, 100, c + 1, 10 * S));
        assertEquals(-1, cookies.check(SERVER, 80, CLIENT + 1, 40000, 100, c + 1, 10 * S));
        assertEquals(-1, new SynCookies(0xfeedL, 0xbeeeL).check(SERVER, 80, CLIENT, 40000, 100, c + 1, 10 * S));
        assertTrue(cookies.check(SERVER, 80, CLIENT, 40000, 100, c + 1, 10 * S) > 0);
    }
}
