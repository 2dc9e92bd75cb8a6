// Runs external commands (ip, ping, socat, ...) with a time limit, capturing what they print.
package io.flexnet.nic;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Output goes to temporary files rather than pipes, so a command that prints a lot never blocks and no
 * reader threads are needed; a command still running at its deadline is killed.
 */
public final class Shell {
    /** Default limit for configuration commands such as {@code ip}. */
    public static final Duration QUICK = Duration.ofSeconds(10);

    private Shell() {}

    /** What a finished (or killed) command left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {
        public boolean ok() { return exitCode == 0 && !timedOut; }

        /** This result, or an AssertionError naming the command, its exit and its output. */
        public Result orFail() {
            if (!ok()) throw new AssertionError(describe());
            return this;
        }

        public String describe() {
            return String.join(" ", command) + (timedOut ? " timed out" : " exited " + exitCode)
                    + (stdout.isBlank() ? "" : "\n--- stdout\n" + stdout)
                    + (stderr.isBlank() ? "" : "\n--- stderr\n" + stderr);
        }
    }

    /** Runs {@code command} to completion or until {@code timeout}, whichever is first. */
    public static Result run(Duration timeout, List<String> command) {
        try (Spawned s = spawn(command)) {
            return s.await(timeout);
        }
    }

    public static Result run(Duration timeout, String... command) { return run(timeout, List.of(command)); }

    /** Starts {@code command} in the background; {@link Spawned#close()} kills it if still running. */
    public static Spawned spawn(List<String> command) { return spawn(command, null); }

    /** As {@link #spawn(List)}, with {@code input} (or nothing, when null) as the command's standard input. */
    public static Spawned spawn(List<String> command, String input) {
        try {
            File out = File.createTempFile("fx-cmd", ".out");
            File err = File.createTempFile("fx-cmd", ".err");
            File in = new File("/dev/null");
            if (input != null) {
                in = File.createTempFile("fx-cmd", ".in");
                in.deleteOnExit();
                Files.writeString(in.toPath(), input);
            }
            Process p = new ProcessBuilder(command).redirectOutput(out).redirectError(err)
                    .redirectInput(ProcessBuilder.Redirect.from(in)).start();
            if (input != null) in.delete();  // the child holds it open
            return new Spawned(List.copyOf(command), p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public static Spawned spawn(String... command) { return spawn(List.of(command)); }

    /** True if {@code name} is an executable on the PATH. */
    public static boolean has(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(new File(dir, name).toPath())) return true;
        }
        return false;
    }

    /** A command running in the background. */
    public static final class Spawned implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final File out, err;
        private Result result;

        private Spawned(List<String> command, Process process, File out, File err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public boolean isAlive() { return process.isAlive(); }

        /** Waits up to {@code timeout} for the command to end, killing it at the deadline. */
        public synchronized Result await(Duration timeout) {
            if (result != null) return result;
            boolean timedOut = false;
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut = true;
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                timedOut = true;
            }
            result = new Result(command, process.isAlive() ? -1 : process.exitValue(),
                    read(out), read(err), timedOut);
            out.delete();
            err.delete();
            return result;
        }

        @Override
        public void close() { await(Duration.ZERO); }

        private static String read(File f) {
            try {
                return Files.readString(f.toPath());
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        }
    }
}
