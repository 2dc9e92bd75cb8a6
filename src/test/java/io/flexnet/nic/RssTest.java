package io.flexnet.nic;

import static io.flexnet.nic.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RssTest {
    private static final long A = Frames.mac("02:00:00:00:00:0a");
    private static final long B = Frames.mac("02:00:00:00:00:0b");

    /**
     * Every IPv4 row of Microsoft's "Verifying the RSS Hash Calculation" table (Windows Driver Kit,
     * learn.microsoft.com/windows-hardware/drivers/network/verifying-the-rss-hash-calculation), computed with
     * the 40-byte key of that page. Columns: destination address:port, source address:port, the hash of
     * IPv4 only (2-tuple) and of IPv4 with TCP (4-tuple). The same rows appear as the "RSS verification suite"
     * of Intel's 82599 datasheet (section 7.1.2.8.3); the input byte order is the one of Microsoft's
     * "RSS Hashing Functions" page: source address, destination address, source port, destination port.
     */
    private static final Object[][] MICROSOFT_IPV4 = {
            {"161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178},
            {"65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea},
            {"12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a},
            {"209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f},
            {"202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2},
    };

    private final Rss rss = new Rss(4);

    @Test
    void matchesEveryIpv4RowOfMicrosoftsVerificationTable() {
        for (Object[] row : MICROSOFT_IPV4) {
            int dst = ip((String) row[0]), dport = (int) row[1], src = ip((String) row[2]), sport = (int) row[3];
            int ipv4Only = (int) row[4], withTcp = (int) row[5];
            String flow = row[2] + ":" + sport + " -> " + row[0] + ":" + dport;
            assertEquals(ipv4Only, rss.hash2(src, dst), "2-tuple " + flow);
            assertEquals(withTcp, rss.hash4(src, dst, sport, dport), "4-tuple " + flow);
        }
    }

    @Test
    void bitByBitReferenceMatchesMicrosoftsTableToo() {
        byte[] key = Rss.microsoftKey();
        for (Object[] row : MICROSOFT_IPV4) {
            int dst = ip((String) row[0]), dport = (int) row[1], src = ip((String) row[2]), sport = (int) row[3];
            byte[] tuple = ByteBuffer.allocate(12).putInt(src).putInt(dst)
                    .putShort((short) sport).putShort((short) dport).array();
            assertEquals((int) row[4], Rss.toeplitz(key, tuple, 0, 8));
            assertEquals((int) row[5], Rss.toeplitz(key, tuple, 0, 12));
        }
    }

    @Test
    void framePathHashesTcpAndUdpByFourTupleAndOtherIpv4ByTwo() {
        for (Object[] row : MICROSOFT_IPV4) {
            int dst = ip((String) row[0]), dport = (int) row[1], src = ip((String) row[2]), sport = (int) row[3];
            byte[] tcp = Frames.tcp(B, A, src, dst, sport, dport, 0x02);
            byte[] udp = Frames.udp(B, A, src, dst, sport, dport, new byte[] {1, 2, 3});
            byte[] gre = Frames.ipv4(B, A, src, dst, 47, new byte[8], 0);
            byte[] icmp = Frames.icmpEcho(B, A, src, dst, 1, 1, new byte[4]);
            assertEquals((int) row[5], hashFrame(tcp), "tcp");
            assertEquals((int) row[5], hashFrame(udp), "udp");
            assertEquals((int) row[4], hashFrame(gre), "ip proto 47");
            assertEquals((int) row[4], hashFrame(icmp), "icmp");
            assertEquals((int) row[5], hashFrame(Frames.vlan(tcp, 42)), "tcp behind 802.1Q");
            assertEquals((int) row[5], rss.hash(MemorySegment.ofArray(tcp), Frames.ETH, tcp.length - Frames.ETH));
        }
    }

    @Test
    void fragmentsHashByAddressesOnlySoAllFragmentsShareAQueue() {
        int src = ip("66.9.149.187"), dst = ip("161.142.100.80");
        byte[] first = Frames.ipv4(B, A, src, dst, 17, new byte[16], 0x2000);   // MF, offset 0
        byte[] later = Frames.ipv4(B, A, src, dst, 17, new byte[16], 0x0003);   // offset 24 bytes
        assertEquals(0x323e8fc2, hashFrame(first));
        assertEquals(0x323e8fc2, hashFrame(later));
    }

    @Test
    void nonIpAndShortFramesHashToZeroWithoutThrowing() {
        assertEquals(0, hashFrame(Frames.arpRequest(A, ip("10.0.0.1"), ip("10.0.0.2"))));
        assertEquals(0, hashFrame(Frames.raw(60, 0x86DD, 7)));
        assertEquals(0, hashFrame(new byte[10]));
        byte[] tcp = Frames.tcp(B, A, ip("1.2.3.4"), ip("5.6.7.8"), 1, 2, 0x02);
        assertEquals(0, rss.hashFrame(MemorySegment.ofArray(tcp), 0, 14 + 19), "IPv4 header cut short");
        byte[] badVersion = tcp.clone();
        badVersion[14] = 0x65;
        assertEquals(0, hashFrame(badVersion));
        Random r = new Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            if (junk.length > 13 && r.nextBoolean()) { junk[12] = 0x08; junk[13] = 0; }
            rss.hashFrame(MemorySegment.ofArray(junk), 0, junk.length);  // must not throw
        }
    }

    @Test
    void tableDrivenHashAgreesWithReferenceForRandomTuplesAndKeys() {
        Random r = new Random(42);
        for (int k = 0; k < 5; k++) {
            byte[] key = new byte[40];
            r.nextBytes(key);
            Rss custom = new Rss(key, 8);
            for (int i = 0; i < 200; i++) {
                int s = r.nextInt(), d = r.nextInt(), sp = r.nextInt(65536), dp = r.nextInt(65536);
                byte[] t = ByteBuffer.allocate(12).putInt(s).putInt(d).putShort((short) sp).putShort((short) dp).array();
                assertEquals(Rss.toeplitz(key, t, 0, 12), custom.hash4(s, d, sp, dp));
                assertEquals(Rss.toeplitz(key, t, 0, 8), custom.hash2(s, d));
            }
        }
    }

    @Test
    void keyIsConfigurableAndChangesTheHash() {
        byte[] key = Rss.microsoftKey();
        key[0] ^= 0x01;
        Rss other = new Rss(key, 4);
        int s = ip("66.9.149.187"), d = ip("161.142.100.80");
        assertNotEquals(rss.hash4(s, d, 2794, 1766), other.hash4(s, d, 2794, 1766));
        assertArrayEquals(key, other.key());
        assertThrows(IllegalArgumentException.class, () -> new Rss(new byte[15], 4));
    }

    @Test
    void indirectionTableIsRoundRobinByDefaultAndIndexedByLowSevenBits() {
        Rss three = new Rss(3);
        for (int i = 0; i < Rss.TABLE_SIZE; i++) assertEquals(i % 3, three.entry(i));
        assertEquals(5 % 3, three.queueOf(0xFFFF_FF00 | 5 | 0x80));  // bit 7 is ignored
        three.setEntry(5, 2);
        assertEquals(2, three.queueOf(5));
        int[] all = new int[Rss.TABLE_SIZE];
        java.util.Arrays.fill(all, 1);
        three.setTable(all);
        assertEquals(1, three.queueOf(0x51ccc178));
        assertThrows(IllegalArgumentException.class, () -> three.setEntry(0, 3));
        assertThrows(IllegalArgumentException.class, () -> three.setTable(new int[5]));
    }

    private int hashFrame(byte[] f) {
        return rss.hashFrame(MemorySegment.ofArray(f), 0, f.length);
    }
}
