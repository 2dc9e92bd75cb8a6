// `flexnet run [FILE]`: runs an experiment, prints its table and writes CSV, JSON and plots.
package io.flexnet.cli;

import io.flexnet.experiment.Charts;
import io.flexnet.experiment.DefaultExperiment;
import io.flexnet.experiment.DesignFailedException;
import io.flexnet.experiment.Experiment;
import io.flexnet.experiment.ExperimentFile;
import io.flexnet.experiment.ExperimentFileException;
import io.flexnet.experiment.Report;
import io.flexnet.experiment.Results;
import io.flexnet.experiment.Runner;
import io.flexnet.experiment.RuntimeChoice;
import io.flexnet.nic.PcapWriter;
import io.flexnet.workload.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flexnet run}: the main job. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {
    "Run an experiment: every design at every load point on the in-memory NIC, with an open-loop load generator.",
    "Prints one table and writes results.csv, results.json and PNG plots. Without FILE, runs the default experiment."})
public final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "Experiment file (YAML); see examples/.")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default results/<experiment name>/).")
    Path out;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Also record every frame crossing the NIC, all runs, in a pcap file.")
    Path pcap;

    @Option(names = "--check", description = "Only check the experiment file and say what would run.")
    boolean check;

    @Option(names = "--runtime", paramLabel = "KIND",
            description = "real (wall clock, this machine) or simulated (virtual time; the file's cores and costs, else 6 cores). Overrides the file's runtime.")
    String runtime;

    @Option(names = "--classpath", paramLabel = "PATH", split = ":",
            description = "Directories and jars (separated by ':') holding designs the file names with 'class:'.")
    List<Path> classpath = List.of();

    @Override
    public Integer call() throws Exception {
        for (Path p : classpath) {
            String bad = Files.isDirectory(p) ? null : !Files.exists(p) ? "no such file or directory"
                    : !isJar(p) ? "neither a directory nor a jar" : null;
            if (bad != null) {
                System.err.println("flexnet run: --classpath " + p + ": " + bad);
                return 2;
            }
        }
        if (!classpath.isEmpty()) {
            // Designs named by class are loaded through the context class loader (see Designs.ofClass).
            URL[] urls = new URL[classpath.size()];
            for (int i = 0; i < urls.length; i++) urls[i] = classpath.get(i).toUri().toURL();
            Thread.currentThread().setContextClassLoader(new URLClassLoader(urls, RunCommand.class.getClassLoader()));
        }
        Experiment x;
        try {
            x = file == null ? DefaultExperiment.load() : ExperimentFile.load(file);
        } catch (ExperimentFileException e) {
            System.err.println("flexnet run: " + e.getMessage());
            return 2;
        }
        if (runtime != null) {
            switch (runtime) {
                case "real" -> x = x.on(RuntimeChoice.REAL);
                case "simulated" -> x = x.runtime().simulated() ? x : x.on(RuntimeChoice.simulatedDefaults());
                default -> {
                    System.err.println("flexnet run: --runtime must be real or simulated, got '" + runtime + "'");
                    return 2;
                }
            }
        }
        String plan = x.name() + ": " + x.designs().size() + " designs x " + x.loads().size() + " loads x "
                + x.repetitions() + " repetition(s), about " + Durations.format(x.plannedNanos());
        if (check) {
            System.out.println("ok: " + plan);
            return 0;
        }
        // Where results and the capture go is checked before the run, not found unwritable after it.
        Path dir = out != null ? out : Path.of("results", x.name());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            System.err.println("flexnet run: " + (out != null ? "--out " : "output directory ") + dir
                    + ": cannot create the directory: " + Reasons.of(e));
            return 2;
        }
        PcapWriter capture;
        try {
            capture = pcap == null ? null : PcapWriter.create(pcap);
        } catch (IOException e) {
            System.err.println("flexnet run: --pcap " + pcap + ": cannot write it: " + Reasons.of(e));
            return 2;
        }
        System.err.println("running " + plan);
        Results r;
        try {
            r = new Runner(System.err, capture).run(x);
        } catch (DesignFailedException e) {
            System.err.println("flexnet run: " + e.getMessage());
            return 2;
        } finally {
            if (capture != null) capture.close();
        }
        System.out.println(Report.header(r));
        System.out.print(Report.table(r));
        write(dir.resolve("results.csv"), Report.csv(r));
        write(dir.resolve("results.json"), Report.json(r));
        List<Path> charts;
        try {
            charts = Charts.write(r, dir);
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("flexnet run: could not draw the plots: " + e);
            charts = List.of();
        }
        System.out.println();
        System.out.println("wrote " + dir.resolve("results.csv") + ", results.json"
                + (charts.isEmpty() ? "" : ", " + String.join(", ", charts.stream().map(p -> p.getFileName().toString()).toList())));
        if (capture != null) System.out.println("captured " + capture.records() + " frames in " + pcap);
        boolean broken = r.rows().stream().anyMatch(row -> row.health().faults() > 0 || row.health().leakedSlots() > 0);
        return broken ? 1 : 0;
    }

    /** A jar (a zip file) by its first bytes, as the class loader will read it. */
    private static boolean isJar(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5) && (b[3] == 4 || b[3] == 6);
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }
}
