// tshark capturing on an interface inside a namespace, stopped cleanly so its file is complete.
package io.flexnet.serve;

import io.flexnet.nic.Await;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ip netns exec NS tshark -i IF -F pcap -w FILE}, stopped with SIGTERM so it writes out what it
 * holds; killed on {@link #close()} if still running. tshark's "Capturing on" can come before its capture
 * child really sees frames (on a loaded machine, frames of the next few hundred milliseconds were
 * missed), so {@link #start} returns only once tshark has printed a frame: it sends probes (a broadcast
 * ping, which nobody answers) until one shows. Readers leave the probes out with {@link #NOT_PROBE}.
 */
final class TsharkCapture implements AutoCloseable {
    /** Display filter that leaves out the probes. */
    static final String NOT_PROBE = "!(ip.dst == 198.18.0.255)";
    /** The kernel side's directed broadcast, where probes go. */
    static final int PROBE_DST = (198 << 24) | (18 << 16) | 255;

    private final Process process;
    private final File out;
    private final File err;

    private TsharkCapture(Process process, File out, File err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static TsharkCapture start(NetNs ns, String ifname, Path file) throws IOException {
        File out = File.createTempFile("fx-tshark", ".out");
        File err = File.createTempFile("fx-tshark", ".err");
        out.deleteOnExit();
        err.deleteOnExit();
        // ip netns exec execs tshark itself, so the process's pid is tshark's and SIGTERM reaches it.
        // -P -l: also print each frame's summary, flushed at once, so the probes can be seen arriving.
        Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), "tshark", "-i", ifname, "-P", "-l",
                "-F", "pcap", "-w", file.toString()).redirectOutput(out).redirectError(err).start();
        TsharkCapture c = new TsharkCapture(p, out, err);
        try {
            Await.until(Duration.ofSeconds(20), () -> c.stderr().contains("Capturing on") || !p.isAlive(), c::stderr);
            for (int i = 0; i < 40 && p.isAlive() && c.stdout().isBlank(); i++) {
                ns.spawn("ping", "-b", "-c", "1", "-W", "1", "198.18.0.255");
                long until = System.nanoTime() + 250_000_000L;
                while (System.nanoTime() < until && c.stdout().isBlank()) Thread.sleep(10);
            }
            if (!p.isAlive()) throw new AssertionError("tshark ended before capturing: " + c.stderr());
            if (c.stdout().isBlank()) throw new AssertionError("tshark saw none of 40 probes: " + c.stderr());
        } catch (AssertionError | InterruptedException e) {
            c.close();
            throw new AssertionError(e);
        }
        return c;
    }

    String stdout() { return read(out); }

    /** SIGTERM, then waits for tshark to finish its file. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) throw new AssertionError("tshark ignored SIGTERM: " + stderr());
    }

    String stderr() { return read(err); }

    private static String read(File f) {
        try {
            return Files.readString(f.toPath());
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** One line per frame of {@code file}: the fields joined by '|', as {@code tshark -T fields} prints them. */
    static List<String> fields(Path file, String... fields) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-Y", NOT_PROBE, "-T", "fields",
                "-E", "separator=|"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Shell.Result r = Shell.run(Shell.QUICK, cmd).orFail();
        List<String> lines = new ArrayList<>();
        for (String line : r.stdout().split("\n")) if (!line.isBlank()) lines.add(line);
        return lines;
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
        out.delete();
        err.delete();
    }
}
