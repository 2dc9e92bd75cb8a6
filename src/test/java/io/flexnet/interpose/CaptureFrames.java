// A varied set of real frames for capture-filter tests: every protocol, flag, tag and edge a filter reads.
package io.flexnet.interpose;

import static io.flexnet.fixture.Frame.*;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.nic.PcapWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames between the fixture's hosts: UDP and TCP on many ports, every TCP flag combination a filter
 * asks about, ICMP of several types, ARP, 802.1Q tags, IP options (a header longer than 20 bytes, so
 * port offsets move), fragments (no ports after the first), multicast, broadcast, big and tiny frames,
 * and truncated ones whose loads run past the end. Written to a pcap file, frame {@code i} stamped
 * {@code i} seconds, so tcpdump's {@code -tt} output names the frames it selected.
 */
final class CaptureFrames {
    static final Host MCAST = new Host(Hosts.mac("01:00:5e:00:00:fb"), Hosts.ip("224.0.0.251"));

    private CaptureFrames() {}

    static List<byte[]> all() {
        List<byte[]> f = new ArrayList<>();
        // UDP, both directions and off-link.
        f.add(Frame.udp().ports(40000, 7).payload("GET /".getBytes()).build());
        f.add(Frame.udp().from(Hosts.US).to(Hosts.PEER).ports(7, 40000).payload(64).build());
        f.add(Frame.udp().from(Hosts.REMOTE).ports(53, 33000).payload(120).build());
        f.add(Frame.udp().to(Hosts.REMOTE).from(Hosts.US).ports(33001, 53).payload(30).build());
        f.add(Frame.udp().ports(5000, 5001).payload(1200).build());
        f.add(Frame.udp().ports(3000, 3999).payload(8).build());
        f.add(Frame.udp().ports(40001, 3306).tos(0xb8).payload(16).build());
        f.add(Frame.udp().ports(12345, 5353).to(MCAST).ttl(1).payload(40).build());
        f.add(Frame.udp().ports(40002, 7).ttl(3).ipOptions(new byte[] {1, 1, 1, 0}).payload(20).build());
        f.add(Frame.udp().ports(40003, 9).noUdpChecksum().padTo(60).build());
        // TCP: the handshake, data, teardown and resets, on a database port, the web and ssh.
        f.add(Frame.tcp().ports(40010, 5432).flags(SYN).mss(1460).build());
        f.add(Frame.tcp().from(Hosts.US).to(Hosts.PEER).ports(5432, 40010).flags(SYN | ACK).mss(1460).build());
        f.add(Frame.tcp().ports(40010, 5432).flags(ACK).build());
        f.add(Frame.tcp().ports(40010, 5432).flags(PSH | ACK).payload(100).build());
        f.add(Frame.tcp().ports(40010, 5432).flags(FIN | ACK).build());
        f.add(Frame.tcp().from(Hosts.US).to(Hosts.PEER).ports(5432, 40010).flags(RST).build());
        f.add(Frame.tcp().from(Hosts.REMOTE).ports(443, 40020).flags(PSH | ACK).payload(1400).build());
        f.add(Frame.tcp().from(Hosts.US).to(Hosts.REMOTE).ports(40020, 443).flags(SYN).windowScale(7).sackPermitted().build());
        f.add(Frame.tcp().ports(40030, 80).flags(PSH | ACK).payload("GET / HTTP/1.1\r\n".getBytes()).build());
        f.add(Frame.tcp().ports(40031, 80).flags(PSH | ACK).timestamps(1, 2).payload("GET /x".getBytes()).build());
        f.add(Frame.tcp().ports(40032, 22).flags(ACK | URG).urgent(1).payload(48).build());
        f.add(Frame.tcp().ports(40033, 3306).flags(SYN | ECE | CWR).build());
        f.add(Frame.tcp().ports(40034, 5999).flags(FIN | PSH | URG).build());  // an xmas-like probe
        f.add(Frame.tcp().ports(40035, 6001).flags(0).build());                // a null scan
        f.add(Frame.tcp().ports(40036, 5432).flags(ACK).ipOptions(new byte[] {1, 1, 1, 0}).payload(10).build());
        // ICMP.
        f.add(Frame.icmpEcho().echo(1, 1).payload(56).build());
        f.add(Frame.icmpEcho().reply().from(Hosts.US).to(Hosts.PEER).echo(1, 1).payload(56).build());
        f.add(Frame.icmp(ICMP_DEST_UNREACHABLE, 3).from(Hosts.US).to(Hosts.PEER).payload(28).build());
        f.add(Frame.icmp(ICMP_TIME_EXCEEDED, 0).from(Hosts.REMOTE).payload(28).build());
        // ARP.
        f.add(Frame.arpRequest().build());
        f.add(Frame.arpReply().from(Hosts.US).to(Hosts.PEER).build());
        // 802.1Q.
        f.add(Frame.udp().vlan(10).ports(40040, 7).payload(12).build());
        f.add(Frame.tcp().vlan(10).ports(40041, 80).flags(SYN).build());
        f.add(Frame.tcp().vlan(20, 5).from(Hosts.REMOTE).ports(80, 40042).flags(SYN | ACK).build());
        f.add(Frame.udp().vlan(20).ports(40043, 53).payload(33).build());
        f.add(Frame.arpRequest().vlan(30).build());
        // Fragments: the first carries the UDP header, the second only data.
        f.add(Frame.udp().ports(40050, 7).fragment(0, true).payload(64).build());
        f.add(Frame.ipv4(PROTO_UDP).fragment(72, false).payload(64).build());
        f.add(Frame.ipv4(PROTO_TCP).fragment(1480, true).payload(40).build());
        // Other protocols and ether types.
        f.add(Frame.ipv4(47).payload(24).build());                      // GRE
        f.add(Frame.ethernet(0x86dd).payload(40).build());              // IPv6 type, not parsed by us
        f.add(Frame.ethernet(0x88cc).ethDst(Hosts.mac("01:80:c2:00:00:0e")).payload(46).build());  // LLDP
        // Cut short: loads past the end reject rather than read garbage.
        f.add(Frame.tcp().ports(40060, 5432).flags(SYN).truncate(40).build());
        f.add(Frame.udp().ports(40061, 7).truncate(36).build());
        f.add(Frame.tcp().vlan(10).ports(40062, 80).flags(SYN).truncate(20).build());
        f.add(Frame.ethernet(0x0800).payload(6).build());
        return f;
    }

    /** Writes {@code frames} to {@code file}, frame i at i seconds after the epoch. */
    static void write(Path file, List<byte[]> frames) throws IOException {
        try (PcapWriter w = PcapWriter.create(file)) {
            for (int i = 0; i < frames.size(); i++) w.write(frames.get(i), i * 1_000_000_000L);
        }
    }
}
