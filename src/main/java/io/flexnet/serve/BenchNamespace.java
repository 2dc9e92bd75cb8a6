// A throw-away network namespace for `flexnet serve-bench`: holds the TAP's kernel side and the clients.
package io.flexnet.serve;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ip netns add} on creation, {@code ip netns del} on {@link #close()}, and processes started
 * inside with {@code ip netns exec}, killed on close. Needs root and the {@code ip} command (iproute2).
 * Output is read from a pipe where it is one status line, else from a file, so a stuck command can be
 * waited for with a limit.
 */
final class BenchNamespace implements AutoCloseable {
    private static final long QUICK_SECONDS = 10;

    private final String name;
    private final List<Process> spawned = new ArrayList<>();
    private boolean closed;

    private BenchNamespace(String name) { this.name = name; }

    static BenchNamespace create(String name) {
        run("ip", "netns", "add", name);
        return new BenchNamespace(name);
    }

    String name() { return name; }

    /** Moves {@code ifname} in, gives it {@code cidr}, brings it and loopback up, with IPv6 off (no unasked frames). */
    void adopt(String ifname, String cidr) {
        run("ip", "link", "set", "dev", ifname, "netns", name);
        run("ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv6.conf." + ifname + ".disable_ipv6=1");
        run("ip", "-n", name, "addr", "add", cidr, "dev", ifname);
        run("ip", "-n", name, "link", "set", "dev", ifname, "up");
        run("ip", "-n", name, "link", "set", "dev", "lo", "up");
    }

    /**
     * Joins this namespace to {@code other} by a veth pair: {@code here} with {@code hereCidr} in this one,
     * {@code there} with {@code thereCidr} in the other, both up with IPv6 off, the other's loopback up.
     * Deleting either namespace deletes the pair.
     */
    void veth(String here, String hereCidr, BenchNamespace other, String there, String thereCidr) {
        run("ip", "link", "add", here, "netns", name, "type", "veth", "peer", "name", there, "netns", other.name);
        for (String[] end : new String[][] {{name, here, hereCidr}, {other.name, there, thereCidr}}) {
            run("ip", "netns", "exec", end[0], "sysctl", "-q", "-w", "net.ipv6.conf." + end[1] + ".disable_ipv6=1");
            run("ip", "-n", end[0], "addr", "add", end[2], "dev", end[1]);
            run("ip", "-n", end[0], "link", "set", "dev", end[1], "up");
        }
        run("ip", "-n", other.name, "link", "set", "dev", "lo", "up");
    }

    /** Starts {@code command} inside, standard error merged into standard output; killed by {@link #close()}. */
    Process spawn(List<String> command) throws IOException { return spawn(command, null); }

    /** As {@link #spawn(List)}, the output going to {@code output} instead of a pipe when not null. */
    synchronized Process spawn(List<String> command, File output) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (output != null) pb.redirectOutput(output);
        Process p = pb.start();
        spawned.add(p);
        return p;
    }

    /** Runs {@code command} to its end, failing with its output if it fails or outlives {@code QUICK_SECONDS}. */
    static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(QUICK_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + QUICK_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (is iproute2 installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Reads lines of {@code p} until one starts with {@code prefix}; fails with what it printed if it ends first. */
    static String awaitLine(Process p, String prefix) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                drain(r);
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("process ended before printing '" + prefix + "': " + seen);
    }

    /**
     * Reads and discards the rest of a spawned server's output on a daemon thread: a server whose pipe
     * nobody reads blocks on its next log line, and its benchmark reads zero.
     */
    private static void drain(BufferedReader r) {
        Thread t = new Thread(() -> {
            try {
                while (r.readLine() != null) { /* discarded */ }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "bench-output-drain");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Process p : spawned) {
            p.destroy();
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        try {
            run("ip", "netns", "del", name);
        } catch (IllegalStateException e) {
            System.err.println("flexnet: could not delete namespace " + name + ": " + e.getMessage());
        }
    }
}
