package io.flexnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code flexnet} command line. Exit status: 0 done, 1 a run found faults or leaked slots (or a
 * TAP device would not open), 2 refused: a bad command line, file or design, an output that cannot be
 * written, or a failure nobody foresaw, which is reported in one line rather than a stack trace.
 */
@Command(name = "flexnet", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "FlexNet for the JVM: a structurally extensible host network stack.",
        subcommands = {AppBenchCommand.class, BenchCommand.class, RunCommand.class, CheckCommand.class, ServeCommand.class,
                ServeBenchCommand.class, TcpBenchCommand.class, PolicyCommand.class, CtlCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::failed);
    }

    /** Anything a command throws ends here: one line naming the command and the reason, status 2. */
    private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + Reasons.withFile(e));
        cl.getErr().flush();
        return 2;
    }
}
