// Experiment files: a good one reads as written; a bad one is refused before anything runs, each problem with its line.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.workload.KvRequest;
import io.flexnet.workload.ServiceTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExperimentFileTest {
    static final String GOOD = """
            name: small
            description: two designs
            workload:
              arrivals: uniform
              flows: 8
              seed: 5
              classes:
                - name: lc
                  port: 9000
                  share: 3
                - name: batch
                  port: 9001
                  mix: {GET: 0.995, SCAN: 0.005}
                  payload: 100
              service:
                GET: uniform 10us 12us
                SCAN: bimodal 50% 500us 700us
            loads: [1000, 2500.5]
            warmup: 100ms
            duration: 1.5s
            repetitions: 2
            designs:
              - name: rtc
                builtin: run-to-completion
                params: {cores: 1, idle: spin}
              - name: iso
                builtin: port-queues
                params:
                  isolate: [9000]
                classes: [lc]
            report:
              baseline: rtc
              class: lc
            """;

    /** The problems of a file that must be refused. */
    static List<ExperimentFileException.Problem> problems(String yaml) {
        ExperimentFileException e = assertThrows(ExperimentFileException.class, () -> ExperimentFile.parse("test.yaml", yaml));
        assertFalse(e.problems().isEmpty());
        return e.problems();
    }

    /** Asserts one problem is on {@code line} and mentions {@code words}. */
    static void assertProblem(List<ExperimentFileException.Problem> ps, int line, String words) {
        for (ExperimentFileException.Problem p : ps) {
            if (p.line() == line && p.message().contains(words)) return;
        }
        fail("no problem on line " + line + " about '" + words + "' in " + ps);
    }

    @Test
    void readsAGoodFileAsWritten() throws Exception {
        Experiment x = ExperimentFile.parse("test.yaml", GOOD);
        assertEquals("small", x.name());
        assertEquals("uniform", x.workload().arrivals());
        assertEquals(8, x.workload().flows());
        assertEquals(5, x.workload().seed());
        assertEquals(List.of(1000.0, 2500.5), x.loads());
        assertEquals(100_000_000L, x.warmupNanos());
        assertEquals(1_500_000_000L, x.durationNanos());
        assertEquals(2, x.repetitions());
        assertEquals(2, x.workload().classes().size());
        assertEquals(3.0, x.workload().classes().get(0).share());
        assertEquals(100, x.workload().classes().get(1).payloadBytes());
        assertEquals(0.005, x.workload().classes().get(1).mix()[KvRequest.SCAN], 1e-12);
        assertEquals(new ServiceTime.Uniform(10_000, 12_000), x.workload().service()[KvRequest.GET]);
        assertEquals(new ServiceTime.Bimodal(0.5, 500_000, 700_000), x.workload().service()[KvRequest.SCAN]);
        assertEquals("run-to-completion", x.designs().get(0).builtin());
        assertEquals(List.of("lc"), x.designs().get(1).classes());
        assertEquals("rtc", x.baseline());
        assertEquals("lc", x.inflationClass());
        assertEquals(8, x.runs());
    }

    @Test
    void refusesAnUnknownDesignWithItsLine() {
        String yaml = GOOD.replace("builtin: port-queues", "builtin: port-queue");
        assertProblem(problems(yaml), 27, "unknown design 'port-queue'");
    }

    @Test
    void refusesANegativeRateWithItsLine() {
        assertProblem(problems(GOOD.replace("loads: [1000, 2500.5]", "loads: [1000, -20]")), 18, "must be a positive rate");
    }

    @Test
    void refusesUnknownKeysNamingTheKnownOnes() {
        List<ExperimentFileException.Problem> ps = problems(GOOD.replace("duration: 1.5s", "durration: 1.5s"));
        assertProblem(ps, 20, "unknown key 'durration'");
        assertProblem(ps, 20, "duration");
    }

    @Test
    void refusesABadDurationAndAServiceTimeWithoutUnit() {
        List<ExperimentFileException.Problem> ps = problems(GOOD.replace("warmup: 100ms", "warmup: 100")
                .replace("GET: uniform 10us 12us", "GET: uniform 12us 10us"));
        assertProblem(ps, 19, "needs a unit");
        assertProblem(ps, 16, "LO <= HI");
    }

    @Test
    void refusesBadAndUnknownDesignParametersWithTheirLines() {
        List<ExperimentFileException.Problem> ps = problems(GOOD.replace("params: {cores: 1, idle: spin}", "params: {cores: 0, idel: spin}"));
        assertProblem(ps, 25, "parameter 'cores' must be in [1, 64], got 0");
        ps = problems(GOOD.replace("params: {cores: 1, idle: spin}", "params: {cores: 1, idel: spin}"));
        assertProblem(ps, 25, "unknown parameter 'idel'");
        ps = problems(GOOD.replace("isolate: [9000]", "isolate: [9000, banana]"));
        assertProblem(ps, 29, "'isolate' must list whole numbers");
    }

    @Test
    void refusesDesignClassesThatCannotBeDesigns() {
        List<ExperimentFileException.Problem> ps = problems(GOOD.replace("builtin: run-to-completion", "class: com.example.Missing"));
        assertProblem(ps, 24, "not on the classpath");
        assertEquals(1, ps.size(), "a refused design is still a design the report may name: " + ps);
        ps = problems(GOOD.replace("builtin: run-to-completion", "class: java.lang.String"));
        assertProblem(ps, 24, "does not implement");
    }

    @Test
    void acceptsADesignClassOnTheClasspath() throws Exception {
        Experiment x = ExperimentFile.parse("t", GOOD.replace("builtin: run-to-completion", "class: " + EchoDesign.class.getName())
                .replace("params: {cores: 1, idle: spin}", "params: {workers: 2}"));
        assertEquals(EchoDesign.class.getName(), x.designs().get(0).className());
        assertInstanceOf(EchoDesign.class, x.designs().get(0).create());
    }

    @Test
    void refusesReferencesToUndefinedClassesAndDesigns() {
        List<ExperimentFileException.Problem> ps = problems(GOOD.replace("classes: [lc]", "classes: [lcc]")
                .replace("baseline: rtc", "baseline: rtd"));
        assertProblem(ps, 30, "class 'lcc'");
        assertProblem(ps, 32, "baseline 'rtd' is not one of the designs");
    }

    @Test
    void aDesignMayHaveItsOwnSharesOfTheClassesButOnlyOfDefinedOnes() throws Exception {
        Experiment x = ExperimentFile.parse("test.yaml", GOOD.replace("classes: [lc]", "shares: {lc: 0.25, batch: 0.75}"));
        DesignSpec iso = x.designs().get(1);
        assertEquals(java.util.Map.of("lc", 0.25, "batch", 0.75), iso.shares());
        assertNull(x.designs().get(0).shares(), "the file's shares unless a design says otherwise");
        assertEquals(0.25, x.workload().withShares(iso.shares()).classes().get(0).share());
        List<ExperimentFileException.Problem> ps = problems(GOOD.replace("classes: [lc]", "shares: {lcc: 1, batch: -2}"));
        assertProblem(ps, 30, "gives a share to class 'lcc', which the workload does not define");
        assertProblem(ps, 30, "share of class batch in design iso must be a positive number, got -2");
        assertProblem(problems(GOOD.replace("classes: [lc]", "shares: [lc]")), 30, "shares of design iso must be a mapping");
    }

    @Test
    void refusesATypeSentWithoutAServiceTime() {
        assertProblem(problems(GOOD.replace("    SCAN: bimodal 50% 500us 700us\n", "")), 13, "no time for them");
    }

    @Test
    void refusesMissingSectionsAndReportsThemAllAtOnce() {
        List<ExperimentFileException.Problem> ps = problems("name: x\nloads: [0]\n");
        assertProblem(ps, 1, "needs 'workload'");
        assertProblem(ps, 1, "needs 'designs'");
        assertProblem(ps, 2, "must be a positive rate");
    }

    @Test
    void refusesYamlThatDoesNotParseWithTheLine() {
        List<ExperimentFileException.Problem> ps = problems("name: x\nworkload:\n  flows: [1, 2\ndesigns: []\n");
        assertTrue(ps.getFirst().line() >= 3, ps.toString());
        assertTrue(ps.getFirst().message().startsWith("not valid YAML"), ps.toString());
    }

    @Test
    void readsALongLineInOneBufferSoParsingStaysLinear() throws Exception {
        // snakeyaml's reader copies its unread window at every refill, so a token longer than its buffer
        // costs length squared over the buffer. The text is read in one refill (the second read finds the
        // end), counted on the reader itself rather than timed, and still parses.
        String big = GOOD.replace("description: two designs", "description: " + "a".repeat(960 * 1024));
        int[] reads = {0};
        java.io.Reader counting = new java.io.FilterReader(new java.io.StringReader(big)) {
            @Override
            public int read(char[] buf, int off, int len) throws java.io.IOException {
                reads[0]++;
                return super.read(buf, off, len);
            }
        };
        int events = 0;
        for (var ignored : new org.snakeyaml.engine.v2.api.lowlevel.Parse(ExperimentFile.settings("long.yaml", big.length()))
                .parseReader(counting)) events++;
        assertTrue(events > 10, "parsed " + events + " events");
        assertTrue(reads[0] <= 2, "read in " + reads[0] + " refills");
        assertEquals("small", ExperimentFile.parse("long.yaml", big).name());
    }

    @Test
    void refusesTextOverTheSizeLimitAndAliasBombs() {
        assertProblem(problems("name: x\n# " + "a".repeat(1 << 20) + "\n"), 0, "larger than 1 MiB");
        StringBuilder bomb = new StringBuilder("a: &a0 [x, x]\n");
        for (int i = 1; i < 30; i++) bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        assertProblem(problems(bomb.toString()), 0, "aliases");
    }

    @Test
    void refusesADesignDurationParameterOverAnHour() {
        List<ExperimentFileException.Problem> ps = problems(GOOD.replace("params: {cores: 1, idle: spin}",
                "params: {period: 3601s}").replace("builtin: run-to-completion", "builtin: snap"));
        assertProblem(ps, 25, "parameter 'period' must be at most 1 hour, got '3601s'");
    }

    @Test
    void quotesAHugeOrMultiLineValueShortAndOnOneLine() {
        ExperimentFileException.Problem p = problems(GOOD.replace("name: small", "name: " + "a".repeat(100_000))).getFirst();
        assertTrue(p.message().length() < 300 && p.message().contains("'" + "a".repeat(40) + "...'"), p.message());
        p = problems(GOOD.replace("name: small", "name: \"a\\nb\"")).getFirst();
        assertTrue(p.message().contains("'a\\x0Ab'"), p.message());
        p = problems(GOOD.replace("duration: 1.5s", "duration: " + "9".repeat(100_000) + "s")).getFirst();
        assertTrue(p.message().length() < 300 && p.message().contains("is not a duration"), p.message());
    }

    @Test
    void messageNamesTheFileAndLine() {
        ExperimentFileException e = assertThrows(ExperimentFileException.class,
                () -> ExperimentFile.parse("exp.yaml", GOOD.replace("loads: [1000, 2500.5]", "loads: [-1]")));
        assertTrue(e.getMessage().contains("exp.yaml:18: load -1 must be a positive rate"), e.getMessage());
    }

    @Test
    void theDefaultExperimentAndEveryExampleAreValid() throws Exception {
        Experiment d = DefaultExperiment.load();
        assertTrue(d.designs().size() >= 2, "the default compares designs");
        assertTrue(d.plannedNanos() + (d.runs() + d.designs().size()) * 3_500_000_000L < 120_000_000_000L,
                "the default finishes in 2 minutes even with every run's drain at its longest");
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("examples"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("examples/ must be next to the pom", e);
        }
        assertTrue(files.size() >= 4, files.toString());
        for (Path f : files) {
            Experiment x = ExperimentFile.load(f);
            assertEquals(f.getFileName().toString().replace(".yaml", ""), x.name(), "file name is the experiment name");
        }
    }
}
