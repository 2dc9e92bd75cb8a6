package io.flexnet.packet;

/**
 * Frames used as external truth by the header-view tests, each decoded by tshark when it was put
 * here (fields and "[correct]" checksums quoted in the tests that use it).
 */
public final class Frames {
    private Frames() {}

    /**
     * A real capture: DNS query, 109.194.160.4:57766 → 95.211.92.14:53, "A? picslife.ru" with an EDNS
     * OPT record (gopacket's layers/dns_test.go, testPacketDNSRegression). IPv4 id 0x89c4, TTL 56,
     * header checksum 0x2f3d; UDP length 48, checksum 0xa597.
     */
    public static final String[] DNS = {
            "002219b67e22000f35bb0b4008004500",
            "004489c4000038112f3d6dc2a0045fd3",
            "5c0ee1a600350030a597f61800100001",
            "00000000000108706963736c69666502",
            "72750000010001000029100000008000",
            "0000"};

    /**
     * A real capture: TCP RST|ACK 172.17.81.197:99 → 172.17.81.73:39663, a 54-byte frame padded to
     * 60 with six zero bytes (gopacket's layers/decode_test.go). IPv4 checksum 0x3f9f, DF set;
     * TCP checksum 0xc308.
     */
    public static final String[] TCP_RST_PADDED = {
            "bc305be8d349b8ac6f92d5bf08004500",
            "00280000400040063f9fac1151c5ac11",
            "514900639aef000000002ec127835014",
            "0000c3080000000000000000"};

    /**
     * A real capture: 802.1Q-tagged (VLAN 503, priority 0) TCP ACK 172.27.202.142:54282 →
     * 69.22.148.226:80, with 4 bytes of trailer (gopacket's layers/decode_test.go). IPv4 checksum
     * 0x83a0, TTL 125; TCP checksum 0x5a74.
     */
    public static final String[] VLAN_TCP = {
            "0010dbff100000152c9dcc00810001f7",
            "080045000028298d40007d0683a0ac1b",
            "ca8e451694e2d40a0050dfab9cc6cd1e",
            "e5d1501001005a740000000000000000"};

    /**
     * Constructed like Linux ping: echo request 198.18.0.1 → 198.18.0.2 (02:00:00:00:00:01 →
     * 02:00:00:00:00:02), id 0x1c46, seq 1, 56 data bytes (8-byte timestamp then 0x10..0x3f).
     * tshark: IPv4 id 0x6b1c, DF, TTL 64, checksum 0x4365 [correct]; ICMP checksum 0xb554 [correct].
     */
    public static final String[] PING = {
            "02000000000202000000000108004500",
            "00546b1c400040014365c6120001c612",
            "00020800b5541c4600015f3a1b660000",
            "0000101112131415161718191a1b1c1d",
            "1e1f202122232425262728292a2b2c2d",
            "2e2f303132333435363738393a3b3c3d",
            "3e3f"};

    /**
     * Constructed like a Linux SYN: 198.18.0.1:41000 → 198.18.0.2:80, seq 2587560961, window 64240,
     * options MSS 1460, SACK permitted, timestamps (TSval 169552957, TSecr 0), NOP, window scale 7.
     * tshark: header length 40, IPv4 checksum 0x7065 [correct], TCP checksum 0x43da [correct].
     */
    public static final String[] TCP_SYN = {
            "02000000000202000000000108004500",
            "003c3e2f400040067065c6120001c612",
            "0002a02800509a3b0c0100000000a002",
            "faf043da0000020405b40402080a0a1b",
            "2c3d0000000001030307"};

    /**
     * Constructed: broadcast ARP request "who has 198.18.0.2, tell 198.18.0.1 (02:00:00:00:00:01)",
     * padded to 60 bytes. tshark: opcode request (1), Ethernet/IPv4, sizes 6/4.
     */
    public static final String[] ARP_REQUEST = {
            "ffffffffffff02000000000108060001",
            "080006040001020000000001c6120001",
            "000000000000c6120002000000000000",
            "000000000000000000000000"};
}
