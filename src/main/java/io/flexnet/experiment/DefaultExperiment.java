// The experiment run when no file is given, shipped with the program.
package io.flexnet.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The built-in default experiment ({@code default.yaml} beside this class): checked like any file. */
public final class DefaultExperiment {
    public static final String RESOURCE = "default.yaml";

    private DefaultExperiment() {}

    /** The file's text. */
    public static String text() {
        try (InputStream in = DefaultExperiment.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Experiment load() throws ExperimentFileException {
        return ExperimentFile.parse("default experiment", text());
    }
}
