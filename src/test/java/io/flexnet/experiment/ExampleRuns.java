// Test helper: an example experiment file, cut short by exact text replacements, run to its results.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shortens an example as a test needs it; a replacement that matches nothing fails, so a test never runs the whole file unknowingly. */
final class ExampleRuns {
    private ExampleRuns() {}

    /** {@code file} with each {@code from} → {@code to} pair applied (pairs in order), then run. */
    static Results run(String file, String... fromTo) throws Exception {
        String text = Files.readString(Path.of(file));
        for (int i = 0; i + 1 < fromTo.length; i += 2) {
            assertTrue(text.contains(fromTo[i]), file + " no longer contains '" + fromTo[i] + "'");
            text = text.replace(fromTo[i], fromTo[i + 1]);
        }
        return new Runner(null, null).run(ExperimentFile.parse(Path.of(file).getFileName().toString(), text));
    }

    /** The rows by design name and offered load: {@code "both@7000"}. */
    static Map<String, Row> byDesignAndLoad(Results r) {
        Map<String, Row> by = new LinkedHashMap<>();
        for (Row row : r.rows()) by.put(row.design() + "@" + (long) row.offeredRps(), row);
        return by;
    }
}
