// Linux's reuseport hash: how Syrup Figure 6's 50 flows fall on 6 sockets over many boot secrets.
package io.flexnet.policy;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.workload.Addresses;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The generator's 50 flows (client ports 1024..1073 to one port) over 6 SO_REUSEPORT sockets, under
 * 20,000 boot secrets: the busiest socket's flow count must be distributed as 50 balls thrown into 6
 * bins at random (computed here by throwing them), since a secret-keyed hash is meant to look random.
 * That distribution is what says how much round robin can gain over the hash by balance alone: 6
 * times the busiest socket's share of the flows.
 */
class ReuseportHashTest {
    static final int FLOWS = 50, SOCKETS = 6, SECRETS = 20_000;

    @Test
    void theBusiestSocketIsAsRandomBallsInBinsPredict() {
        Addresses a = Addresses.DEFAULT;
        int[] byHash = new int[FLOWS + 1], byChance = new int[FLOWS + 1];
        SplittableRandom rng = new SplittableRandom(7);
        for (int s = 0; s < SECRETS; s++) {
            int secret = rng.nextInt();
            int[] bins = new int[SOCKETS], chance = new int[SOCKETS];
            for (int f = 0; f < FLOWS; f++) {
                int h = ReuseportHash.hash(a.stackIp(), 9000, a.clientIp(), 1024 + f, secret);
                bins[MatchingPolicy.scale(h, SOCKETS)]++;
                chance[rng.nextInt(SOCKETS)]++;
            }
            byHash[max(bins)]++;
            byChance[max(chance)]++;
        }
        double[] hashTail = tail(byHash), chanceTail = tail(byChance);
        for (int m = 10; m <= 20; m++) {
            assertEquals(chanceTail[m], hashTail[m], 0.02, "P(busiest socket >= " + m + " flows)");
        }
        assertTrue(hashTail[19] < 0.01, "19 of 50 flows on one socket (round robin +124%) is rare: " + hashTail[19]);
        assertTrue(hashTail[12] > 0.5, "the busiest socket's median is 12 or more: " + hashTail[12]);
    }

    @Test
    void aSecretMapsEachFlowToOneSocketAndAnotherSecretElsewhere() {
        Addresses a = Addresses.DEFAULT;
        int moved = 0;
        for (int f = 0; f < FLOWS; f++) {
            int one = ReuseportHash.hash(a.stackIp(), 9000, a.clientIp(), 1024 + f, 1);
            assertEquals(one, ReuseportHash.hash(a.stackIp(), 9000, a.clientIp(), 1024 + f, 1));
            if (MatchingPolicy.scale(one, SOCKETS) != MatchingPolicy.scale(ReuseportHash.hash(a.stackIp(), 9000, a.clientIp(), 1024 + f, 2), SOCKETS)) moved++;
        }
        assertTrue(moved > FLOWS / 2, "a new boot's secret moves most flows: " + moved);
    }

    private static int max(int[] v) {
        int m = 0;
        for (int x : v) m = Math.max(m, x);
        return m;
    }

    /** P(max >= m) for each m. */
    private static double[] tail(int[] counts) {
        double[] t = new double[counts.length + 1];
        for (int m = counts.length - 1; m >= 0; m--) t[m] = t[m + 1] + (double) counts[m] / SECRETS;
        return t;
    }
}
