package io.flexnet.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bpf_conformance suite (RFC 9669's instruction set) through the interpreter and the JIT. The
 * files are read from where they are kept, never copied here: {@code -Dbpf.conformance=DIR}, by
 * default {@code ../shared/bpf_conformance/tests} from the project root.
 */
class BpfConformanceTest {
    static Path dir() { return Path.of(System.getProperty("bpf.conformance", "../shared/bpf_conformance/tests")); }

    @Test
    void everyFilePassesInTheInterpreterAndTheJit() throws Exception {
        Path dir = dir();
        if (!Files.isDirectory(dir)) System.out.println("skipped: no conformance files at " + dir.toAbsolutePath() + " (set -Dbpf.conformance=DIR)");
        assumeTrue(Files.isDirectory(dir), "no conformance files at " + dir);
        List<Conformance.Outcome> all = Conformance.runAll(dir, Conformance.Engine.INTERPRETER, Conformance.Engine.JIT);
        List<Conformance.Outcome> failed = all.stream().filter(o -> !o.passed()).toList();
        for (Conformance.Outcome o : failed) System.out.println("FAIL " + o.engine() + " " + o.name() + ": " + o.detail());
        System.out.println("bpf_conformance: " + (all.size() - failed.size()) + " passed, " + failed.size() + " failed ("
                + all.size() / 2 + " files, interpreter and JIT)");
        assertEquals(List.of(), failed.stream().map(o -> o.engine() + " " + o.name() + ": " + o.detail()).toList());
    }
}
