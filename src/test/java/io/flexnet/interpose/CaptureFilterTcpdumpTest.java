// External truth for capture filters: tcpdump and our filter pick the same frames from one pcap file.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.Shell;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * For each expression, {@code tcpdump -r FILE -nn -tt EXPR} names the frames it selects by their
 * timestamps; our compiled filter and the interpreter run over the same frames must select exactly
 * those. Each expression must also split the file (select some frames, not all), so the frames really
 * exercise it: an expression that matches nothing would agree with any filter.
 */
class CaptureFilterTcpdumpTest {
    @TempDir static Path dir;
    static Path file;
    static List<byte[]> frames;

    @BeforeAll
    static void writeFrames() throws Exception {
        Assumptions.assumeTrue(Shell.has("tcpdump"), "tcpdump is not installed (apt-get install -y tcpdump)");
        frames = CaptureFrames.all();
        file = dir.resolve("frames.pcap");
        CaptureFrames.write(file, frames);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "host 198.18.0.1",
            "src host 198.18.0.2",
            "dst host 203.0.113.9",
            "net 198.18.0.0/24",
            "src net 203.0.113.0/24",
            "not net 198.18.0.0/15",
            "dst net 198.18.0.0 mask 255.255.255.0",
            "ip",
            "udp",
            "tcp",
            "icmp",
            "arp",
            "ip proto 47",
            "udp port 7",
            "tcp dst port 5432",
            "src port 40010",
            "port 53 or port 3306",
            "portrange 3000-3999",
            "tcp portrange 5000-6000",
            "tcp and not port 22",
            "tcp[tcpflags] & tcp-syn != 0",
            "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
            "tcp[tcpflags] & tcp-rst != 0",
            "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0",
            "tcp[tcpflags] == 0",
            "tcp[13] = 0x18",
            "tcp[tcpflags] & (tcp-ece|tcp-cwr) != 0",
            "ip[8] < 32",
            "ip[1] & 0xfc == 0xb8",
            "ip[0] & 0xf > 5",
            "ip[6:2] & 0x1fff != 0",
            "ip[2:2] > 576",
            "udp[8:2] = 0x4745",
            "udp[4:2] > 100",
            "tcp[2:2] & 1 = 1",
            "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420",
            "ip[8] * 2 > 100 and ip[8] / 16 - 1 == 3 and ip[8] % 5 == 4",
            "(ip[1] ^ 0xb8) = 0 or ip[9] << 1 == 34",
            "ether[12:2] = 0x8100",
            "vlan",
            "vlan 10",
            "vlan 20 and udp",
            "vlan and tcp port 80",
            "vlan 10 and host 198.18.0.1",
            "ether host 02:00:00:00:00:01",
            "ether broadcast",
            "ether multicast",
            "ether proto 0x88cc",
            "ip multicast",
            "icmp[icmptype] == icmp-echo",
            "icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply",
            "arp[6:2] = 2",
            "greater 200",
            "less 60",
            "len > 1000",
            "not (tcp or udp)",
            "(udp or icmp) and host 198.18.0.1",
            "host 198.18.0.1 and (port 7 or port 5432)",
            "tcp and src host 203.0.113.9 and src port 443",
            "ip host 198.18.0.1 and not icmp",
    })
    void selectsTheFramesTcpdumpSelects(String expression) {
        Set<Integer> expected = tcpdump(expression);
        CaptureFilter f = CaptureFilter.compile(expression);
        Set<Integer> compiled = new TreeSet<>(), interpreted = new TreeSet<>();
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < frames.size(); i++) {
                byte[] b = frames.get(i);
                // At an offset inside a bigger segment, as a frame sits in its packet slot.
                MemorySegment s = arena.allocate(b.length + 96);
                MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 64, b.length);
                if (f.matches(s, 64, b.length)) compiled.add(i);
                if (f.matchesInterpreted(s, 64, b.length)) interpreted.add(i);
            }
        }
        assertEquals(expected, compiled, () -> "compiled filter vs tcpdump for '" + expression + "'; program:\n" + f.program());
        assertEquals(expected, interpreted, () -> "interpreter vs tcpdump for '" + expression + "'");
        assertTrue(!expected.isEmpty() && expected.size() < frames.size(),
                "'" + expression + "' selects " + expected.size() + " of " + frames.size()
                        + " frames: the frames do not exercise it");
    }

    /** The frames tcpdump selects, by index (each frame is stamped with its index in seconds). */
    static Set<Integer> tcpdump(String expression) {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", file.toString(), "-nn", "-tt", expression));
        Shell.Result r = Shell.run(Duration.ofSeconds(30), cmd).orFail();
        Set<Integer> picked = new TreeSet<>();
        for (String line : r.stdout().split("\n")) {
            if (line.isBlank() || !Character.isDigit(line.charAt(0))) continue;  // continuation lines
            picked.add(Integer.parseInt(line.substring(0, line.indexOf('.'))));
        }
        return picked;
    }
}
