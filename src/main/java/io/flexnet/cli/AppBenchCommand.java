// `flexnet app-bench`: HTTP and RESP on the stack against the same code on the kernel's TCP, same clients.
package io.flexnet.cli;

import io.flexnet.nic.TapException;
import io.flexnet.serve.AppBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs {@link AppBench}: wrk and redis-benchmark against the stack and against the kernel, taking turns. */
@Command(name = "app-bench", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        sortOptions = false,
        description = {"Measure the HTTP and RESP servers on the stack against the same code on the kernel's TCP.",
                "",
                "wrk GET / and redis-benchmark SET and GET (pipelined and not) from one namespace, against",
                "the stack over a TAP and against a Java NIO server over a veth pair, in turns. Prints",
                "requests/s and p99 as the clients report them, and the ratio stack/kernel. Needs root,",
                "/dev/net/tun, iproute2, wrk and redis-tools. Numbers on a shared machine are noisy:",
                "compare the columns of one run."})
public final class AppBenchCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10", description = "Seconds per wrk run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "64", description = "wrk connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "wrk threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "200000",
            description = "redis-benchmark requests per test (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "50", description = "redis-benchmark clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "16",
            description = "redis-benchmark pipeline depth of the pipelined runs (default: ${DEFAULT-VALUE}).")
    int pipeline;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "Rounds, medians shown (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--busy-poll", description = "The stack's worker spins instead of sleeping until a frame arrives.")
    boolean busyPoll;

    @Option(names = "--design", paramLabel = "NAME", defaultValue = "run-to-completion",
            description = "Where the stack's HTTP and RESP servers run, as in serve: run-to-completion (on the stack's worker, "
                    + "right after the receive pipeline), in-place (answered at the pipeline's yield() in the request's slot) "
                    + "or app-threads (each on a thread of its own). Default: ${DEFAULT-VALUE}.")
    String design;

    @Option(names = "--netty", description = "Also Netty's hello-world HTTP server: on the stack's Netty transport and on Netty's NIO.")
    boolean netty;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        int[][] checks = {{seconds, 1, 3600}, {connections, 1, 10000}, {threads, 1, 64}, {requests, 1, 100_000_000},
            {clients, 1, 10000}, {pipeline, 1, 1024}, {rounds, 1, 99}};
        String[] names = {"--duration", "--connections", "--threads", "--requests", "--clients", "--pipeline", "--rounds"};
        for (int i = 0; i < checks.length; i++) {
            if (checks[i][0] < checks[i][1] || checks[i][0] > checks[i][2]) {
                throw new CommandLine.ParameterException(cl, names[i] + " must be in [" + checks[i][1] + ", " + checks[i][2]
                        + "], got " + checks[i][0]);
            }
        }
        boolean onWorker = switch (design) {
            case "run-to-completion", "in-place" -> true;
            case "app-threads" -> false;
            default -> throw new CommandLine.ParameterException(cl, "--design must be run-to-completion, in-place or"
                    + " app-threads, got '" + design + "'");
        };
        PrintWriter out = cl.getOut();
        try {
            return AppBench.run(new AppBench.Settings(seconds, connections, threads, requests, clients, pipeline, rounds, busyPoll, netty, onWorker, design.equals("in-place")), out);
        } catch (TapException e) {
            cl.getErr().println("flexnet app-bench: " + e.getMessage());
            return 1;
        }
    }
}
