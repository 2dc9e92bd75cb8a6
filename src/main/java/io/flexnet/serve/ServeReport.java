// What `flexnet serve` prints on exit: every stage's counters, drops by reason, the pool's balance.
package io.flexnet.serve;

import io.flexnet.engine.Engine;
import io.flexnet.nic.CapturingNic;
import io.flexnet.nic.NicDriver;
import io.flexnet.nic.TapNic;
import io.flexnet.packet.Counters;
import io.flexnet.packet.MacAddress;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.packet.Ip4;
import java.util.Locale;
import java.util.Map;

/**
 * One line per stage in the order a frame meets them: the device, the receive layers with ARP and ICMP,
 * the echo, the send layers; then drops by reason over all of them, and the slots still in use (0 once
 * the NIC is closed, or a slot leaked). Read after {@link EchoServer#stop()} the numbers are exact.
 */
final class ServeReport {
    private ServeReport() {}

    static String of(EchoServer server) {
        Engine e = server.engine();
        ProtoStack st = e.stack();
        NetConfig cfg = st.config();
        NicDriver nic = e.nic();
        CapturingNic capture = nic instanceof CapturingNic c ? c : null;
        NicDriver device = capture != null ? capture.inner() : nic;

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "served %.1f s on %s: %s/%d at %s, udp echo on port %d, %d %s (%s)%n",
                server.seconds(), device.name(), Ip4.format(cfg.ip()), cfg.prefixLength(),
                MacAddress.format(cfg.mac()), server.echoPort(), server.workers(),
                server.workers() == 1 ? "worker" : "workers",
                server.busyPoll() ? "busy polling" : "sleeping until a frame arrives"));
        if (device instanceof TapNic tap) {
            // What the device dropped before any layer saw it, beside what it passed on, so that
            // rx-frames plus these is every frame the kernel handed over.
            line(sb, "device", tap.stats());
            row(sb, "", " dropped at the device: " + (tap.drops().total() == 0 ? "none" : tap.drops().toString()));
        }
        line(sb, "eth_rcv", st.ethRcv().counters());
        line(sb, "arp", st.arp().counters());
        line(sb, "ip_rcv", st.ipRcv().counters());
        line(sb, "icmp", st.icmp().counters());
        line(sb, "udp_rcv", st.udpRcv().counters());
        line(sb, "udp echo", server.echo().counters());
        line(sb, "udp_send", st.udpSend().counters());
        line(sb, "ip_send", st.ipSend().counters());
        line(sb, "eth_send", st.ethSend().counters());
        Map<String, Long> drops = e.dropsByReason();
        StringBuilder d = new StringBuilder();
        for (Map.Entry<String, Long> r : drops.entrySet()) d.append(' ').append(r.getKey()).append('=').append(r.getValue());
        row(sb, "drops", drops.isEmpty() ? " none" : d.toString());
        row(sb, "pool", " " + e.pool().capacity() + " slots, " + e.pool().inUse() + " in use");
        if (capture != null) {
            row(sb, "capture", " " + capture.writer().records() + " frames"
                    + (capture.captureErrors() == 0 ? "" : ", " + capture.captureErrors() + " not written"));
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String stage, Counters c) {
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < c.size(); i++) v.append(' ').append(c.label(i)).append('=').append(c.get(i));
        row(sb, stage, v.toString());
    }

    private static void row(StringBuilder sb, String stage, String values) {
        sb.append(String.format(Locale.ROOT, "  %-9s%s%n", stage, values));
    }
}
