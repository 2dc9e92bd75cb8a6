// Capture points between layers, before and after the filter: tshark sees what the filter let through.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;
import io.flexnet.nic.PcapngWriter;
import io.flexnet.nic.Shell;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.proto.LayerContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapturePointStepTest {
    @TempDir Path dir;

    @Test
    void pointsBeforeAndAfterTheFilterSeeWhatItDropped() throws Exception {
        Assumptions.assumeTrue(Shell.has("tshark"), "tshark is not installed (apt-get install -y tshark)");
        Path file = dir.resolve("points.pcapng");
        try (FilterRig rig = new FilterRig(); PcapngWriter w = PcapngWriter.create(file)) {
            rig.fw.replace(rig.fw.parse("chain input {\n type filter hook input priority 0; policy accept;\n"
                    + " udp dport 9 drop\n}\n", "f.nft"));
            AtomicLong t = new AtomicLong(1_700_000_000_000_000_000L);
            CapturePoint before = new CapturePoint("ip>filter", "after ip_rcv, before the input filter",
                    CaptureFilter.compile("udp"), w, PcapngWriter.INBOUND, t::incrementAndGet);
            CapturePoint after = new CapturePoint("filter>l4", "after the input filter, before l4_rcv", null, w,
                    PcapngWriter.INBOUND, t::incrementAndGet);
            Pipeline rx = PipelineBuilder.rx("captured", rig.stack::layer).eth().ip().interpose(before)
                    .interpose(rig.fw.ingress()).interpose(after).l4().socket().build();
            rig.open(7);
            rig.open(9);
            for (byte[] f : new byte[][] {Frame.udp().ports(40000, 7).build(), Frame.udp().ports(40000, 9).build(),
                    Frame.icmpEcho().build()}) {
                rig.coroutines.of(Packets.copy(rig.pool, f)).start(rx, LayerContext.at(0));
            }
            rig.drainSent();  // the echo reply
        }
        Shell.Result r = Shell.run(Duration.ofSeconds(60), "tshark", "-r", file.toString(), "-T", "fields",
                "-e", "frame.interface_name", "-e", "udp.dstport", "-e", "icmp.type").orFail();
        // Before the filter (udp only): both datagrams; after it: the one it let through. The ping never
        // reaches this boundary: ip_rcv hands ICMP to the ICMP layer itself.
        assertEquals("ip>filter\t7\t\nip>filter\t9\t\nfilter>l4\t7\t\n",
                reorder(r.stdout()), r.describe());
    }

    /** tshark prints in file order; the points interleave per frame, so sort by point then order. */
    private static String reorder(String out) {
        StringBuilder a = new StringBuilder(), b = new StringBuilder();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            (line.startsWith("ip>filter") ? a : b).append(line).append('\n');
        }
        return a.append(b).toString();
    }
}
