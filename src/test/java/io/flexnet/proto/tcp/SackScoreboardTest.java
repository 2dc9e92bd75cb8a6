package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * RFC 6675 by its own reasoning. Segments are numbered from an ISN just below the 2^32 wrap, 1000
 * bytes each: segment k is [ISN + 1000k, ISN + 1000(k+1)).
 */
class SackScoreboardTest {
    private static final int MSS = 1000;
    private static final int ISN = 0xFFFF_F000;

    private static int seg(int k) { return ISN + k * MSS; }

    private static int[] blocks(int... segs) {
        // pairs of segment numbers [from, to) -> byte ranges
        int[] b = new int[segs.length];
        for (int i = 0; i < segs.length; i++) b[i] = seg(segs[i]);
        return b;
    }

    @Test
    void isLostAfterDupThreshSegmentsAboveLikeThreeDuplicateAcks() {
        // Segments 0..9 sent; segment 1 is lost. Each later segment draws a duplicate ACK for 1 with
        // a growing SACK block. RFC 6675 §4: IsLost(1) once DupThresh segments, i.e. more than
        // (DupThresh-1)*SMSS bytes, are SACKed above it, which is what three duplicate ACKs say.
        SackScoreboard sb = new SackScoreboard(4);
        int una = seg(1), nxt = seg(10);
        assertEquals(MSS, sb.update(una, nxt, blocks(2, 3), 1));
        assertFalse(sb.isLost(seg(1), MSS));                       // 1000 bytes above: not yet
        assertEquals(MSS, sb.update(una, nxt, blocks(2, 4), 1));
        assertFalse(sb.isLost(seg(1), MSS));                       // 2000 bytes: not MORE than 2*SMSS
        assertEquals(MSS, sb.update(una, nxt, blocks(2, 5), 1));
        assertTrue(sb.isLost(seg(1), MSS));                        // 3000 bytes: lost
        assertFalse(sb.isLost(seg(5), MSS));                       // nothing SACKed above 5
        assertEquals(seg(1) & 0xFFFF_FFFFL, sb.nextLost(una, una, MSS));
        assertEquals(3 * MSS, sb.sackedBytes());
    }

    @Test
    void threeDiscontiguousSmallSackedSequencesAlsoMeanLost() {
        // Small segments (100 bytes) above a hole: fewer than 2*SMSS bytes, but three discontiguous
        // SACKed sequences meet DupThresh.
        SackScoreboard sb = new SackScoreboard(8);
        int una = ISN, nxt = ISN + 5000;
        sb.update(una, nxt, new int[] {ISN + 100, ISN + 200, ISN + 300, ISN + 400}, 2);
        assertFalse(sb.isLost(ISN, MSS));
        sb.update(una, nxt, new int[] {ISN + 500, ISN + 600}, 1);
        assertTrue(sb.isLost(ISN, MSS));
        assertTrue(sb.isLost(ISN + 250, MSS) == false);            // only two sequences above 250
    }

    @Test
    void nextSegRuleOneSkipsSackedAndRetransmittedAndStopsAtHighestSacked() {
        // Segments 0..9 sent; 0 and 2 lost, 1 and 3..5 SACKed.
        SackScoreboard sb = new SackScoreboard(4);
        int una = seg(0), nxt = seg(10);
        sb.update(una, nxt, blocks(3, 6, 1, 2), 2);
        assertEquals(seg(0) & 0xFFFF_FFFFL, sb.nextLost(una, una, MSS));   // 4 segments SACKed above 0
        assertEquals(seg(2) & 0xFFFF_FFFFL, sb.nextLost(seg(1), una, MSS)); // HighRxt past 0: 1 is SACKed, 2 next
        assertEquals(-1L, sb.nextLost(seg(3), una, MSS));                  // 6..9 are above every SACK
        assertTrue(sb.isSacked(seg(4)));
        assertFalse(sb.isSacked(seg(2)));
        assertEquals(seg(6), sb.highestSacked(una));
    }

    @Test
    void nextSegIsNoneWhileTheHoleIsNotYetLost() {
        SackScoreboard sb = new SackScoreboard(4);
        sb.update(seg(0), seg(10), blocks(1, 3), 1);               // 2000 bytes above 0: not lost
        assertEquals(-1L, sb.nextLost(seg(0), seg(0), MSS));
    }

    @Test
    void setPipeCountsWhatIsStillInTheNetwork() {
        // RFC 6675 §4 SetPipe: for each unSACKed octet between HighACK and HighData, +1 if not
        // IsLost, +1 more if it was retransmitted. Segments 0..9 sent; 0 lost; 1..3 SACKed.
        SackScoreboard sb = new SackScoreboard(4);
        int una = seg(0), nxt = seg(10);
        sb.update(una, nxt, blocks(1, 4), 1);
        // Segment 0 is lost (3000 bytes SACKed above): not counted. 4..9 are not lost: 6000.
        assertEquals(6 * MSS, sb.pipe(una, nxt, una, MSS));
        // After retransmitting segment 0 (HighRxt past it), it is in flight again: 7000.
        assertEquals(7 * MSS, sb.pipe(una, nxt, seg(1), MSS));
        // Without SACK information every byte is in flight (the RFC 5681 FlightSize).
        assertEquals(10 * MSS, new SackScoreboard(4).pipe(una, nxt, una, MSS));
    }

    @Test
    void setPipeCountsANotYetLostHoleOnce() {
        SackScoreboard sb = new SackScoreboard(4);
        int una = seg(0), nxt = seg(10);
        sb.update(una, nxt, blocks(1, 2), 1);                      // one segment above 0: not lost
        assertEquals(9 * MSS, sb.pipe(una, nxt, una, MSS));
    }

    @Test
    void ignoresDsackAndOutOfWindowBlocks() {
        SackScoreboard sb = new SackScoreboard(4);
        int una = seg(5), nxt = seg(10);
        // RFC 2883 D-SACK: the first block reports a duplicate below the cumulative ACK.
        assertEquals(0, sb.update(una, nxt, blocks(2, 3), 1));
        // A block beyond what was sent is bogus.
        assertEquals(0, sb.update(una, nxt, blocks(9, 12), 1));
        // A D-SACK inside an already SACKed block adds nothing.
        sb.update(una, nxt, blocks(6, 8), 1);
        assertEquals(0, sb.update(una, nxt, blocks(6, 7, 6, 8), 2));
        assertEquals(2 * MSS, sb.sackedBytes());
        assertEquals(1, sb.ranges());
    }

    @Test
    void ackedToForgetsBelowTheCumulativeAck() {
        SackScoreboard sb = new SackScoreboard(4);
        sb.update(seg(0), seg(10), blocks(1, 3, 5, 7), 2);
        sb.ackedTo(seg(2));
        assertEquals(3 * MSS, sb.sackedBytes());
        assertFalse(sb.isSacked(seg(1)));
        sb.ackedTo(seg(7));
        assertEquals(0, sb.ranges());
        assertEquals(seg(7), sb.highestSacked(seg(7)));
    }

    @Test
    void atTheBoundTheHighestRangeGivesWay() {
        SackScoreboard sb = new SackScoreboard(2);
        int una = seg(0), nxt = seg(20);
        sb.update(una, nxt, blocks(2, 3, 6, 7), 2);
        assertEquals(0, sb.update(una, nxt, blocks(10, 11), 1));   // would be highest: dropped
        assertEquals(MSS, sb.update(una, nxt, blocks(4, 5), 1));   // lower: 6..7 gives way
        assertTrue(sb.isSacked(seg(4)));
        assertFalse(sb.isSacked(seg(6)));
        assertEquals(2 * MSS, sb.sackedBytes());
        assertEquals(2, sb.ranges());
    }

    @Test
    void mergesBlocksAndCountsOnlyNewBytes() {
        SackScoreboard sb = new SackScoreboard(4);
        int una = seg(0), nxt = seg(10);
        assertEquals(2 * MSS, sb.update(una, nxt, blocks(2, 3, 4, 5), 2));
        assertEquals(MSS, sb.update(una, nxt, blocks(2, 5), 1));
        assertEquals(1, sb.ranges());
        assertEquals(3 * MSS, sb.sackedBytes());
    }
}
