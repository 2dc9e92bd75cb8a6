package io.flexnet.cli;

import io.flexnet.experiment.DesignCheck;
import io.flexnet.experiment.Experiment;
import io.flexnet.experiment.ExperimentFile;
import io.flexnet.experiment.ExperimentFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flexnet check FILE}: each design's liveness and stability under the file's workload, without running it. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {
    "Analyse each design of an experiment file without running it: every queue drained by some executor,",
    "and the load at which its serving workers saturate (utilisation = rate x mean service time / workers,",
    "at most one per core). Exit 0 if every design is live and stable at every load, 1 if not, 2 if refused."})
public final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Experiment file (YAML).")
    Path file;

    @Override
    public Integer call() {
        Experiment x;
        try {
            x = ExperimentFile.load(file);
        } catch (ExperimentFileException e) {
            System.err.println("flexnet check: " + e.getMessage());
            return 2;
        }
        List<DesignCheck.Verdict> vs = DesignCheck.check(x);
        System.out.print(DesignCheck.text(vs));
        return vs.stream().allMatch(DesignCheck.Verdict::ok) ? 0 : 1;
    }
}
