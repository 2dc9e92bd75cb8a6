package io.flexnet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code flexnet version}: the project's version and the JVM it runs on. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Print the version of flexnet and of the JVM.")
public final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (String line : new Provider().getVersion()) System.out.println(line);
        return 0;
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "flexnet " + (v == null ? "(development build)" : v),
                "JVM " + System.getProperty("java.vm.name") + " " + Runtime.version()
                        + ", " + Runtime.getRuntime().availableProcessors() + " cores"
            };
        }
    }
}
