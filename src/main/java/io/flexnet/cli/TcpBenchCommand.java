// `flexnet tcp-bench`: the stack's TCP over a TAP against the kernel's over veth, bulk and request/response.
package io.flexnet.cli;

import io.flexnet.nic.TapException;
import io.flexnet.serve.TcpBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs {@link TcpBench}: bulk transfers each way at 0% and the given loss, then request/response round trips. */
@Command(name = "tcp-bench", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        sortOptions = false,
        description = {"Measure TCP over a TAP device: the stack against the kernel over a veth pair.",
                "",
                "Bulk goodput kernel -> stack and stack -> kernel (dd and socat as clients), at 0%% and at",
                "--loss %% of segments dropped at random by nftables, against the same transfers between",
                "two kernel namespaces over veth; then request/response over one connection, one",
                "outstanding, against socat's echo. Needs root, /dev/net/tun, iproute2, socat and nftables.",
                "Numbers on a shared machine are noisy: compare the columns of one run."})
public final class TcpBenchCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--mib", paramLabel = "N", defaultValue = "256",
            description = "MiB per bulk transfer (default: ${DEFAULT-VALUE}).")
    int mib;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
            description = "Transfers per direction, loss and side; the median is shown (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--loss", paramLabel = "PERCENT", defaultValue = "2",
            description = "Share of segments dropped in the second bulk round, 0 for none (default: ${DEFAULT-VALUE}).")
    int loss;

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
            description = "Request and answer bytes, 8..65536 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--offload", paramLabel = "none|csum|tso", defaultValue = "tso",
            description = "What the TAP does for the stack: none (a reader thread hands frames over, every sum in software), "
                    + "csum (the worker reads the TAP; checksums left to the kernel both ways), tso (csum, and TCP super frames "
                    + "of up to 64 KiB both ways). Default: ${DEFAULT-VALUE}.")
    String offload;

    @Option(names = "--busy-poll", description = "The stack's worker spins instead of sleeping until a frame arrives.")
    boolean busyPoll;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (mib < 1 || mib > 65536) throw new CommandLine.ParameterException(cl, "--mib must be in [1, 65536], got " + mib);
        if (repeat < 1 || repeat > 99) throw new CommandLine.ParameterException(cl, "--repeat must be in [1, 99], got " + repeat);
        if (loss < 0 || loss > 50) throw new CommandLine.ParameterException(cl, "--loss must be in [0, 50], got " + loss);
        if (size < 8 || size > 65536) throw new CommandLine.ParameterException(cl, "--size must be in [8, 65536], got " + size);
        if (rounds < 1 || requests < rounds) {
            throw new CommandLine.ParameterException(cl, "--requests must be at least --rounds (" + rounds + "), both positive");
        }
        if (warmup < 0) throw new CommandLine.ParameterException(cl, "--warmup must be >= 0, got " + warmup);
        PrintWriter err = cl.getErr();
        try {
        TcpBench.Offload off = switch (offload) {
            case "none" -> TcpBench.Offload.NONE;
            case "csum" -> TcpBench.Offload.CSUM;
            case "tso" -> TcpBench.Offload.TSO;
            default -> throw new CommandLine.ParameterException(cl, "--offload must be none, csum or tso, got '" + offload + "'");
        };
            return TcpBench.run(new TcpBench.Settings((long) mib << 20, repeat, loss, requests, warmup, rounds, size, busyPoll, off),
                    cl.getOut());
        } catch (TapException e) {
            err.println("flexnet tcp-bench: cannot open a TAP device: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
