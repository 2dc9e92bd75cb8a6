// Test fixture: the kernel's side of TCP tests over a TAP: cubic, random loss by nftables, ss, tshark's analysis.
package io.flexnet.serve;

import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kernel peer of a TCP test is told and asked, inside the test's own namespace: congestion
 * control pinned to cubic on the route to the stack (a new namespace defaults to the host's, BBR here,
 * and runs must compare), a random drop of a share of the TCP segments in both directions at the
 * kernel (nftables {@code numgen random}: the machine has no netem), {@code ss -tin} on the kernel's
 * sockets, and tshark's {@code tcp.analysis} flags over a capture.
 */
final class KernelTcp {
    private static final Pattern PACKETS = Pattern.compile("counter packets (\\d+)");

    private KernelTcp() {}

    /** Every kernel TCP connection to the stack uses cubic: {@code ip route replace NET dev DEV congctl cubic}. */
    static void pinCubic(NetNs ns, String ifname) {
        ns.ip("route", "replace", "198.18.0.0/" + KernelPeer.PREFIX, "dev", ifname, "congctl", "cubic").orFail();
    }

    /**
     * Drops {@code percent} of the TCP segments between kernel and stack at random, in both directions,
     * at the kernel: segments the kernel sends (output) and segments it receives (input).
     */
    static void dropRandom(NetNs ns, int percent) {
        String[] rules = {
            "add table inet fxloss",
            "add chain inet fxloss out { type filter hook output priority 0 ; }",
            "add chain inet fxloss in { type filter hook input priority 0 ; }",
            "add rule inet fxloss out ip daddr " + KernelPeer.STACK_IP + " meta l4proto tcp numgen random mod 100 < "
                    + percent + " counter drop",
            "add rule inet fxloss in ip saddr " + KernelPeer.STACK_IP + " meta l4proto tcp numgen random mod 100 < "
                    + percent + " counter drop"};
        for (String r : rules) ns.exec(Shell.QUICK, ("nft " + r).split(" ")).orFail();
    }

    /** Segments the loss rules dropped so far: {out (kernel's), in (ours)}. */
    static long[] dropped(NetNs ns) {
        Shell.Result r = ns.exec(Shell.QUICK, "nft", "list", "table", "inet", "fxloss").orFail();
        Matcher m = PACKETS.matcher(r.stdout());
        long[] out = new long[2];
        for (int i = 0; i < 2 && m.find(); i++) out[i] = Long.parseLong(m.group(1));
        return out;
    }

    /** The kernel's view of its connections with the stack: {@code ss -tin dst STACK}, one string. */
    static String ssInfo(NetNs ns) {
        return ns.exec(Shell.QUICK, "ss", "-tin", "dst", KernelPeer.STACK_IP).orFail().stdout();
    }

    /**
     * The option words of one {@code ss -i} entry the kernel prints for what a connection negotiated:
     * {@code ts}, {@code sack}, {@code ecn}, {@code ecnseen}, {@code fastopen}, and {@code wscale} for
     * {@code wscale:S,R}.
     */
    static java.util.Set<String> optionWords(String ssEntry) {
        java.util.Set<String> words = new java.util.TreeSet<>();
        for (String w : ssEntry.split("\\s+")) {
            if (w.equals("ts") || w.equals("sack") || w.equals("ecn") || w.equals("ecnseen") || w.equals("fastopen")) words.add(w);
            if (w.startsWith("wscale:")) words.add("wscale");
        }
        return words;
    }

    /** The kernel's TCP counters in {@code ns} that are not zero ({@code nstat -as}): its side of a failure's story. */
    static String kernelCounters(NetNs ns) {
        Shell.Result r = ns.exec(Shell.QUICK, "nstat", "-as");
        if (!r.ok()) return "(nstat: " + r.describe() + ")";
        StringBuilder sb = new StringBuilder();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("Tcp") || line.startsWith("IpExt") || line.startsWith("Ip")) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 2 && !w[1].equals("0")) sb.append(' ').append(w[0]).append('=').append(w[1]);
            }
        }
        return sb.toString().trim();
    }

    /** Waits until a kernel socket listens on {@code port} in {@code ns}, so a connect is not refused (and reset). */
    static void awaitListening(NetNs ns, int port) {
        io.flexnet.nic.Await.until(Duration.ofSeconds(20),
                () -> !ns.exec(Shell.QUICK, "ss", "-Hltn", "sport", "=", ":" + port).stdout().isBlank(),
                () -> "nothing listens on port " + port + " in " + ns.name());
    }

    /** A file of {@code bytes} seeded random bytes; returns its SHA-256 in hex as sha256sum prints it. */
    static String randomFile(Path file, long bytes, long seed) throws IOException {
        MessageDigest md = sha256();
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < bytes; ) {
                r.nextBytes(buf);
                int n = (int) Math.min(buf.length, bytes - done);
                out.write(buf, 0, n);
                md.update(buf, 0, n);
                done += n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The hex digest sha256sum printed (its first word). */
    static String digestOf(Shell.Result r) {
        String s = r.stdout().trim();
        int sp = s.indexOf(' ');
        return sp < 0 ? s : s.substring(0, sp);
    }

    /**
     * How many frames of the capture carry each of tshark's TCP analysis flags (retransmission,
     * duplicate ACK, out of order, lost segment, zero window ...), how many are malformed and how many
     * are resets: the expert's verdict on the conversation. Each count is followed, in {@code bySource},
     * by the senders of those frames.
     */
    static Map<String, Integer> analysis(Path pcap, Map<String, String> bySource) {
        String[] flags = {"tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
            "tcp.analysis.spurious_retransmission", "tcp.analysis.duplicate_ack", "tcp.analysis.out_of_order",
            "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "tcp.analysis.zero_window",
            "tcp.analysis.window_full", "tcp.analysis.keep_alive", "tcp.analysis.reused_ports", "tcp.analysis.flags",
            "_ws.malformed", "tcp.flags.reset == 1"};
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String f : flags) {
            Shell.Result r = Shell.run(Duration.ofSeconds(120), "tshark", "-r", pcap.toString(), "-Y",
                    TsharkCapture.NOT_PROBE + " && " + f, "-T", "fields", "-e", "ip.src").orFail();
            int n = 0;
            Map<String, Integer> src = new java.util.TreeMap<>();
            for (String line : r.stdout().split("\n")) {
                if (line.isBlank()) continue;
                n++;
                src.merge(line.trim(), 1, Integer::sum);
            }
            counts.put(f, n);
            if (n > 0) bySource.put(f, src.toString());
        }
        return counts;
    }
}
