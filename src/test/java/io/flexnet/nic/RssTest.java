package io.flexnet.nic;

import static io.flexnet.fixture.Hosts.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RssTest {
    private static final long A = Hosts.mac("02:00:00:00:00:0a");
    private static final long B = Hosts.mac("02:00:00:00:00:0b");

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
            Frame syn = Frame.tcp().from(new Host(A, src)).to(new Host(B, dst)).ports(sport, dport).flags(Frame.SYN);
            byte[] tcp = syn.build();
            byte[] udp = Frame.udp().from(new Host(A, src)).to(new Host(B, dst)).ports(sport, dport)
                    .payload(new byte[] {1, 2, 3}).build();
            byte[] gre = Frame.ipv4(47).from(new Host(A, src)).to(new Host(B, dst)).dontFragment(false)
                    .payload(new byte[8]).build();
            byte[] icmp = Frame.icmpEcho().from(new Host(A, src)).to(new Host(B, dst)).dontFragment(false).echo(1, 1)
                    .payload(new byte[4]).build();
            assertEquals((int) row[5], hashFrame(tcp), "tcp");
            assertEquals((int) row[5], hashFrame(udp), "udp");
            assertEquals((int) row[4], hashFrame(gre), "ip proto 47");
            assertEquals((int) row[4], hashFrame(icmp), "icmp");
            assertEquals((int) row[5], hashFrame(syn.vlan(42).build()), "tcp behind 802.1Q");
            assertEquals((int) row[5], rss.hash(MemorySegment.ofArray(tcp), Frame.ETH_HEADER, tcp.length - Frame.ETH_HEADER));
        }
    }

    @Test
    void fragmentsHashByAddressesOnlySoAllFragmentsShareAQueue() {
        int src = ip("66.9.149.187"), dst = ip("161.142.100.80");
        byte[] first = Frame.ipv4(17).from(new Host(A, src)).to(new Host(B, dst)).fragment(0, true)
                .payload(new byte[16]).build();   // MF, offset 0
        byte[] later = Frame.ipv4(17).from(new Host(A, src)).to(new Host(B, dst)).fragment(24, false)
                .payload(new byte[16]).build();   // offset 24 bytes
        assertEquals(0x323e8fc2, hashFrame(first));
        assertEquals(0x323e8fc2, hashFrame(later));
    }

    @Test
    void nonIpAndShortFramesHashToZeroWithoutThrowing() {
        assertEquals(0, hashFrame(Frame.arpRequest().from(new Host(A, ip("10.0.0.1"))).ipDst(ip("10.0.0.2")).build()));
        assertEquals(0, hashFrame(Frame.ethernet(0x86DD).from(Hosts.US).to(Hosts.PEER)
                .payload(Frame.counter(7, 60 - Frame.ETH_HEADER)).build()));
        assertEquals(0, hashFrame(new byte[10]));
        byte[] tcp = Frame.tcp().from(new Host(A, ip("1.2.3.4"))).to(new Host(B, ip("5.6.7.8"))).ports(1, 2)
                .flags(Frame.SYN).seq(1000).build();
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
