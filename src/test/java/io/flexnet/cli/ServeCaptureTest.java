// `serve --capture EXPR -w FILE|-` against the kernel: only the selected frames, as pcapng tshark reads.
package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.Await;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The kernel pings the stack and sends one UDP echo request; a capture of {@code udp port 7} must hold
 * exactly the request (inbound, at the rx point) and its echo (outbound, at the tx point), and none
 * of the ARP and ICMP frames around them. tshark is the judge, reading the file, or reading standard
 * output live through a pipe.
 */
@Timeout(90)
class ServeCaptureTest {
    @TempDir Path dir;

    private static final class Run {
        final ServeCommand command = new ServeCommand();
        final StringWriter out = new StringWriter(), err = new StringWriter();
        final CommandLine cl = new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

        CompletableFuture<Integer> start(String... args) { return CompletableFuture.supplyAsync(() -> cl.execute(args)); }
    }

    /** Serves, pings twice and echoes once through the kernel, then stops; returns what the command printed. */
    private static String serveAndTalk(Run r, String tap, Runnable beforeStop, String... extra) throws Exception {
        try (NetNs ns = NetNs.create()) {
            List<String> args = new java.util.ArrayList<>(List.of("--tap", tap, "--ip", KernelPeer.STACK_IP + "/24",
                    "--duration", "60"));
            args.addAll(List.of(extra));
            CompletableFuture<Integer> done = r.start(args.toArray(String[]::new));
            Await.until(Duration.ofSeconds(10), () -> (r.out + "" + r.err).contains("serving " + tap) || done.isDone(),
                    () -> r.out + " / " + r.err);
            ns.adopt(tap);
            ns.configure(tap, KernelPeer.KERNEL_IP + "/24");
            ns.exec(Duration.ofSeconds(10), "ping", "-c", "2", "-i", "0.2", "-W", "2", KernelPeer.STACK_IP).orFail();
            Shell.Result echo = ns.spawnWithInput("captured\n", "socat", "-t", "1", "-",
                    "UDP:" + KernelPeer.STACK_IP + ":7").await(Duration.ofSeconds(10));
            assertEquals("captured\n", echo.stdout(), echo.describe());
            beforeStop.run();
            r.command.interrupt();
            assertEquals(0, done.get(20, TimeUnit.SECONDS), r.err.toString());
        }
        return r.out + "" + r.err;
    }

    private static String expectedRows(String tap) {
        // The request in, its echo out: 14 + 20 + 8 + 9 bytes.
        return tap + ":rx\t1\t51\t7\n" + tap + ":tx\t2\t51\t7\n";
    }

    @Test
    void capturesOnlyTheSelectedFramesToAFile() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("socat", "socat");
        NetNs.assumeCommand("tshark", "tshark");
        String tap = KernelPeer.uniqueName();
        Path file = dir.resolve("live.pcapng");
        String printed = serveAndTalk(new Run(), tap, () -> {}, "--capture", "udp port 7", "-w", file.toString());
        Shell.Result r = Shell.run(Duration.ofSeconds(60), "tshark", "-r", file.toString(), "-T", "fields",
                "-e", "frame.interface_name", "-e", "frame.packet_flags_direction", "-e", "frame.len", "-e", "udp.port")
                .orFail();
        String rows = r.stdout().replace("0x00000001", "1").replace("0x00000002", "2").replaceAll("\t(\\d+),7\n", "\t7\n")
                .replaceAll("\t7,(\\d+)\n", "\t7\n");
        assertEquals(expectedRows(tap), rows, r.describe());
        assertTrue(printed.contains("capture   " + tap + ":rx 'udp port 7': 1 of "), printed);
    }

    @Test
    void writesPcapngToStandardOutputForALiveReader() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("socat", "socat");
        NetNs.assumeCommand("tshark", "tshark");
        String tap = KernelPeer.uniqueName();
        Process tshark = new ProcessBuilder("tshark", "-l", "-r", "-", "-T", "fields", "-e", "frame.interface_name",
                "-e", "frame.packet_flags_direction", "-e", "frame.len", "-e", "udp.dstport")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            ByteArrayOutputStream seen = new ByteArrayOutputStream();  // written by the reader, read after join
            Thread reader = Thread.ofVirtual().start(() -> {
                try (InputStream in = tshark.getInputStream()) {
                    in.transferTo(seen);
                } catch (java.io.IOException ignored) {
                    // tshark killed: what it printed so far is what the test judges
                }
            });
            Run r = new Run();
            // The process's stream is buffered; standard output, which it stands for here, is not.
            r.command.liveCapture.stdout = new java.io.FilterOutputStream(tshark.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    out.write(b, off, len);
                    out.flush();
                }
            };
            // Live: tshark has decoded the request while the stack still runs.
            Runnable tsharkSawIt = () -> Await.until(Duration.ofSeconds(15),
                    () -> seen.toString(StandardCharsets.UTF_8).contains(":rx\t"), () -> "tshark printed: " + seen);
            String printed = serveAndTalk(r, tap, tsharkSawIt, "--capture", "udp", "-w", "-");
            assertTrue(tshark.waitFor(20, TimeUnit.SECONDS), "tshark did not finish reading the closed pipe");
            reader.join(5_000);
            String rows = seen.toString(StandardCharsets.UTF_8).replace("0x00000001", "1").replace("0x00000002", "2");
            assertTrue(rows.startsWith(tap + ":rx\t1\t51\t7\n" + tap + ":tx\t2\t51\t"), rows);
            assertEquals("", r.out.toString(), "with -w - nothing else may go to standard output");
            assertTrue(printed.contains("serving " + tap), printed);
        } finally {
            tshark.destroyForcibly();
        }
    }
}
