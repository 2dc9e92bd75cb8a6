package io.flexnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flexnet} command line. */
@Command(name = "flexnet", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "FlexNet for the JVM: a structurally extensible host network stack.",
        subcommands = {BenchCommand.class, RunCommand.class, ServeCommand.class, ServeBenchCommand.class, PolicyCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }
}
