// `flexnet serve-bench`: the stack's UDP echo over a TAP against the kernel's, measured by one client.
package io.flexnet.cli;

import io.flexnet.nic.TapException;
import io.flexnet.serve.ServeBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs {@link ServeBench}: a few seconds of closed-loop round trips, then a table and the stack's counters. */
@Command(name = "serve-bench", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        sortOptions = false,
        description = {"Measure UDP echo round trips over a TAP device: the stack against the kernel's.",
                "",
                "The stack (198.18.0.2) against the kernel's own UDP stack serving a Java echo (198.18.0.1),",
                "both asked by one closed-loop client (one request",
                "outstanding) inside a throw-away network namespace. Needs root, /dev/net/tun and iproute2.",
                "Numbers on a shared machine are noisy: compare the two rows of one run."})
public final class ServeBenchCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "20000",
            description = "Round trips measured per server (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "5000",
            description = "Round trips per server before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "4",
            description = "The servers take turns in this many rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64",
            description = "UDP payload bytes, 8..1472 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--busy-poll", description = "The stack's worker spins instead of sleeping until a frame arrives.")
    boolean busyPoll;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (size < 8 || size > 1472) throw new CommandLine.ParameterException(cl, "--size must be in [8, 1472], got " + size);
        if (rounds < 1 || requests < rounds) {
            throw new CommandLine.ParameterException(cl, "--requests must be at least --rounds (" + rounds + "), both positive");
        }
        if (warmup < 0) throw new CommandLine.ParameterException(cl, "--warmup must be >= 0, got " + warmup);
        PrintWriter err = cl.getErr();
        try {
            return ServeBench.run(new ServeBench.Settings(requests, warmup, rounds, size, busyPoll), cl.getOut());
        } catch (TapException e) {
            err.println("flexnet serve-bench: cannot open a TAP device: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
