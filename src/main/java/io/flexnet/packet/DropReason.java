package io.flexnet.packet;

/**
 * Every reason the stack drops a packet. Nothing is dropped silently: whoever drops counts the packet
 * under one of these and returns the slot to its pool. Labels are the names users see in reports.
 */
public enum DropReason {
    // Ethernet
    TRUNCATED("truncated"),
    NOT_FOR_US("not-for-us"),
    UNKNOWN_ETHERTYPE("unknown-ethertype"),
    // ARP
    BAD_ARP("bad-arp"),
    ARP_PENDING_FULL("arp-pending-full"),
    ARP_UNRESOLVED("arp-unresolved"),
    // IPv4
    BAD_IP_VERSION("bad-ip-version"),
    BAD_IP_HEADER_LENGTH("bad-ip-header-length"),
    BAD_IP_LENGTH("bad-ip-length"),
    BAD_IP_CHECKSUM("bad-ip-checksum"),
    TTL_EXPIRED("ttl-expired"),
    IP_NOT_FOR_US("ip-not-for-us"),
    /**
     * A source no host may have (RFC 1122 3.2.1.3): unspecified, loopback, multicast, class E or
     * broadcast, or our own address. Linux counts these as martian sources.
     */
    MARTIAN_SOURCE("martian-source"),
    FRAGMENT("fragment"),
    UNKNOWN_PROTOCOL("unknown-protocol"),
    NO_ROUTE("no-route"),
    // ICMP
    BAD_ICMP("bad-icmp"),
    BAD_ICMP_CHECKSUM("bad-icmp-checksum"),
    ICMP_UNHANDLED("icmp-unhandled"),
    // UDP / TCP
    BAD_UDP_LENGTH("bad-udp-length"),
    BAD_UDP_CHECKSUM("bad-udp-checksum"),
    BAD_TCP("bad-tcp"),
    BAD_TCP_CHECKSUM("bad-tcp-checksum"),
    NO_SOCKET("no-socket"),
    /** A TCP segment for a port with no listener and no connection: answered with a reset. */
    TCP_NO_LISTENER("tcp-no-listener"),
    /** A TCP segment whose sequence numbers fall outside the receive window (RFC 9293 §3.10.7.4). */
    TCP_OUT_OF_WINDOW("tcp-out-of-window"),
    /** A TCP segment whose timestamp is older than the last one accepted (RFC 7323 PAWS). */
    TCP_PAWS("tcp-paws"),
    /** A TCP segment acknowledging data never sent, or acknowledging too far back (RFC 5961 §5). */
    TCP_BAD_ACK("tcp-bad-ack"),
    /** A reset or SYN inside the window but not exact: answered with a challenge ACK (RFC 5961). */
    TCP_CHALLENGED("tcp-challenged"),
    /** A segment for a connection owned by another thread whose segment backlog was full. */
    TCP_BACKLOG_FULL("tcp-backlog-full"),
    /** A SYN refused: SYN backlog full and SYN cookies off, or no room left in the connection table. */
    TCP_SYN_FLOOD("tcp-syn-flood"),
    /** A handshake's last ACK whose listener has no room in its accept queue (dropped, as Linux does). */
    TCP_ACCEPT_QUEUE_FULL("tcp-accept-queue-full"),
    /** An ACK to a listener carrying no valid SYN cookie: answered with a reset. */
    TCP_BAD_COOKIE("tcp-bad-cookie"),
    /** Out-of-order data the reassembly record had no room for (the sender retransmits it). */
    TCP_OOO_FULL("tcp-ooo-full"),
    /** Data after the receiving side was closed, or for a connection that is closing: answered with a reset. */
    TCP_CLOSED("tcp-closed"),
    /** A segment with nothing new for the connection (duplicate data, a stray segment in a state that ignores it). */
    TCP_IGNORED("tcp-ignored"),
    /** A reset to a connection in TIME_WAIT: ignored (RFC 1337), so the wait keeps old duplicates out. */
    TCP_TIME_WAIT_RST("tcp-time-wait-rst"),
    /** A TCP option list that does not parse. */
    TCP_BAD_OPTIONS("tcp-bad-options"),
    /**
     * To an echo service from a well-known service port (echo, chargen, daytime, ...): answering could
     * start an endless exchange between two such services (inetd's loop check).
     */
    SERVICE_LOOP("service-loop"),
    // Resources and scheduling
    /** A datagram longer than its path allows (the MTU, a UDP length): dropped by a send layer. */
    TOO_LONG("too-long"),
    /** A frame the device received that is longer than a packet slot: dropped by the NIC driver. */
    FRAME_TOO_LONG("frame-too-long"),
    /**
     * A segmentation super frame (virtio GSO: TCP or UDP data to be cut into MSS-sized segments) that
     * the stack cannot take whole yet: dropped by the NIC driver, which counts it by type.
     */
    GSO_UNSUPPORTED("gso-unsupported"),
    /** A packet handed to the send path that cannot be sent as filled (no port, no headroom, ...). */
    BAD_SEND("bad-send"),
    POOL_EMPTY("pool-empty"),
    QUEUE_FULL("queue-full"),
    /** Refused by a shared coroutine queue because the packet's tenant (or class) held its share of it. */
    QUEUE_OVER_LIMIT("queue-over-limit"),
    SOCKET_FULL("socket-full"),
    TX_FULL("tx-full"),
    RX_FULL("rx-full"),
    /** The device refused a frame for a reason other than being full (e.g. a TAP write failing). */
    TX_ERROR("tx-error"),
    SELECTOR_RANGE("selector-out-of-range"),
    NO_HANDLER("no-handler"),
    SHUTDOWN("shutdown"),
    // Fault injection (tests and experiments: nic.FaultLink)
    /** Dropped on purpose by a fault-injecting link, as its loss rate says. */
    INJECTED_LOSS("injected-loss"),
    /** Refused by a fault-injecting link's rate limiter: its queue of bytes waiting to be sent was full. */
    RATE_LIMIT("rate-limit"),
    // Extensions and interposition
    POLICY_DROP("policy-drop"),
    FILTER("filter"),
    QDISC("qdisc"),
    EXTENSION_FAULT("extension-fault");

    private static final DropReason[] VALUES = values();

    private final String label;

    DropReason(String label) { this.label = label; }

    public String label() { return label; }

    public static DropReason of(int ordinal) { return VALUES[ordinal]; }

    public static int count() { return VALUES.length; }
}
