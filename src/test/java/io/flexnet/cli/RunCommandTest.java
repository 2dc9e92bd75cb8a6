// The command line: a bad experiment file is refused with its line; a good one writes the table, CSV, JSON and PNGs.
package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir Path dir;

    /** Runs the command line, returning exit code, stdout and stderr. */
    static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out, oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        ClassLoader oldLoader = Thread.currentThread().getContextClassLoader();
        int code;
        try {
            code = Main.commandLine().execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            Thread.currentThread().setContextClassLoader(oldLoader);
        }
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    /** Exit status 2 and exactly one line on stderr holding every word given, with no stack trace. */
    static void assertRefusedInOneLine(String[] r, String... words) {
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].endsWith(System.lineSeparator()) && r[2].lines().count() == 1, "one line: " + r[2]);
        for (String w : words) assertTrue(r[2].contains(w), "no '" + w + "' in: " + r[2]);
        assertFalse(r[2].contains("Exception") || r[2].contains("\tat "), "no stack trace: " + r[2]);
    }

    @Test
    void refusesABinaryFileNamingItAndTheLine() throws Exception {
        Path f = dir.resolve("image.yaml");
        Files.write(f, new byte[] {'n', 'a', 'm', 'e', ':', ' ', 'x', '\n', (byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        assertRefusedInOneLine(run("run", "--check", f.toString()), "flexnet run: " + f + ":2: ", "binary");
    }

    @Test
    void refusesAFileThatIsNotUtf8NamingTheLineAndByte() throws Exception {
        Path f = dir.resolve("latin1.yaml");
        Files.write(f, "name: x\ndescription: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertRefusedInOneLine(run("run", "--check", f.toString()), "flexnet run: " + f + ":2: ", "not UTF-8", "0xE9");
    }

    @Test
    void refusesADirectoryGivenAsTheFile() {
        assertRefusedInOneLine(run("run", "--check", dir.toString()), "flexnet run: " + dir + ": ", "is a directory");
    }

    @Test
    void refusesAMissingFile() {
        Path f = dir.resolve("missing.yaml");
        assertRefusedInOneLine(run("run", "--check", f.toString()), "flexnet run: " + f + ": ", "no such file");
    }

    @Test
    void refusesDeeplyNestedYamlWithTheLine() throws Exception {
        Path flow = dir.resolve("flow.yaml"), block = dir.resolve("block.yaml");
        Files.writeString(flow, "name: x\nloads: " + "[".repeat(10_000) + "\n");
        assertRefusedInOneLine(run("run", "--check", flow.toString()), "flexnet run: " + flow + ":2: ", "nested", "64");
        Files.writeString(block, "name: x\nloads:\n  " + "- ".repeat(10_000) + "1\n");
        assertRefusedInOneLine(run("run", "--check", block.toString()), "flexnet run: " + block + ":3: ", "nested", "64");
    }

    @Test
    void refusesAFileOverTheSizeLimitBeforeReadingIt() throws Exception {
        Path f = dir.resolve("big.yaml");
        Files.writeString(f, "name: x\n# " + "a".repeat(1 << 20) + "\n");
        assertRefusedInOneLine(run("run", "--check", f.toString()), "flexnet run: " + f + ": ", "1 MiB");
    }

    static final String TINY = """
            name: tiny
            workload:
              classes: [{name: a, port: 9000}]
              service: {GET: fixed 5us}
            loads: [500, 1000]
            warmup: 50ms
            duration: 200ms
            designs:
              - {name: rtc, builtin: run-to-completion}
            """;

    /** {@code --check} of TINY with one line replaced. */
    private String[] checkTinyWith(String line, String replacement) throws Exception {
        Path f = dir.resolve("edited.yaml");
        assertTrue(TINY.contains(line), line);
        Files.writeString(f, TINY.replace(line, replacement));
        return run("run", "--check", f.toString());
    }

    @Test
    void refusesNamesThatWouldLeaveTheResultsDirectory() throws Exception {
        Path f = dir.resolve("edited.yaml");
        for (String name : new String[] {".", "..", "a/b", "'../up'", "'a\\\\b'"}) {
            assertRefusedInOneLine(checkTinyWith("name: tiny", "name: " + name), f + ":1: ", "name '", "letters, digits");
        }
        String[] ok = checkTinyWith("name: tiny", "name: .hidden-is.fine_2");
        assertEquals("0", ok[0], ok[2]);
    }

    @Test
    void refusesDurationsAndRepetitionsBeyondTheirLimits() throws Exception {
        Path f = dir.resolve("edited.yaml");
        assertRefusedInOneLine(checkTinyWith("duration: 200ms", "duration: 3601s"), f + ":7: ", "duration", "at most 1 hour", "3601s");
        assertRefusedInOneLine(checkTinyWith("warmup: 50ms", "warmup: 100000000s"), f + ":6: ", "warmup", "at most 10 minutes");
        assertRefusedInOneLine(checkTinyWith("warmup: 50ms", "repetitions: 101"), f + ":6: ", "repetitions", "[1, 100]", "101");
        assertRefusedInOneLine(checkTinyWith("fixed 5us", "fixed 11s"), f + ":4: ", "service time of GET", "at most 10s");
    }

    @Test
    void aBadServiceTimeIsReportedForItsOwnCauseAlone() throws Exception {
        // Not also "class a sends GET requests but service: gives no time for GET", a consequence.
        Path f = dir.resolve("edited.yaml");
        assertRefusedInOneLine(checkTinyWith("fixed 5us", "fixed 5"), f + ":4: ", "service time of GET", "'5' needs a unit");
        assertRefusedInOneLine(checkTinyWith("fixed 5us", "uniform 5us 5xs"), f + ":4: ", "unknown unit 'xs'");
    }

    @Test
    void refusesAnExperimentWhosePlannedTimeWouldOverflow() throws Exception {
        // 2,000 designs x 30,000 loads x 100 repetitions: 6e9 runs, more than an int counts.
        StringBuilder loads = new StringBuilder("loads: [1");
        for (int i = 1; i < 30_000; i++) loads.append(", ").append(1 + i % 1000);
        StringBuilder designs = new StringBuilder("designs:\n");
        for (int i = 0; i < 2_000; i++) designs.append("  - {name: d").append(i).append(", builtin: run-to-completion}\n");
        Path f = dir.resolve("edited.yaml");
        String[] r = checkTinyWith("loads: [500, 1000]\nwarmup: 50ms\nduration: 200ms\ndesigns:\n  - {name: rtc, builtin: run-to-completion}\n",
                loads + "]\nrepetitions: 100\nduration: 1s\n" + designs);
        assertRefusedInOneLine(r, f + ":5: ", "6000000000 runs", "more than 7 days");
    }

    @Test
    void refusesAnOutputDirectoryItCannotCreateBeforeRunning() throws Exception {
        // Root ignores permission bits, so the unwritable places are under a regular file.
        Path f = dir.resolve("tiny.yaml"), plain = dir.resolve("plain");
        Files.writeString(f, TINY);
        Files.writeString(plain, "not a directory");
        Path under = plain.resolve("out");
        assertRefusedInOneLine(run("run", f.toString(), "--out", under.toString()),
                "flexnet run: --out " + under + ": cannot create the directory: Not a directory");
        assertRefusedInOneLine(run("run", f.toString(), "--out", plain.toString()),
                "flexnet run: --out " + plain + ": cannot create the directory: exists and is not a directory");
    }

    @Test
    void refusesACaptureFileItCannotWriteBeforeRunning() throws Exception {
        Path f = dir.resolve("tiny.yaml"), plain = dir.resolve("plain");
        Files.writeString(f, TINY);
        Files.writeString(plain, "not a directory");
        Path pcap = plain.resolve("x.pcap");
        assertRefusedInOneLine(run("run", f.toString(), "--out", dir.resolve("out").toString(), "--pcap", pcap.toString()),
                "flexnet run: --pcap " + pcap + ": cannot write it: Not a directory");
        assertRefusedInOneLine(run("run", f.toString(), "--out", dir.resolve("out").toString(), "--pcap", dir.toString()),
                "flexnet run: --pcap " + dir + ": cannot write it: ");
        // serve checks its capture before it opens a TAP device, so this needs neither root nor a device.
        assertRefusedInOneLine(run("serve", "--tap", "fx-none", "--ip", "198.18.0.2/24", "--pcap", pcap.toString()),
                "flexnet serve: --pcap " + pcap + ": cannot write it: Not a directory");
    }

    /** Compiles designs that fail in each way a user's design can into {@code classes}; false without a compiler. */
    private boolean compileFailingDesigns(Path classes) throws Exception {
        Path src = dir.resolve("src/demo");
        Files.createDirectories(src);
        Files.writeString(src.resolve("FailsToAssemble.java"), """
                package demo;
                public final class FailsToAssemble implements io.flexnet.experiment.Design {
                    public void assemble(io.flexnet.experiment.DesignContext ctx) {
                        throw new IllegalStateException("needs 3 cores, has 2");
                    }
                }
                """);
        Files.writeString(src.resolve("FailsToInitialise.java"), """
                package demo;
                public final class FailsToInitialise implements io.flexnet.experiment.Design {
                    static final int CORES = Integer.parseInt("many");
                    public void assemble(io.flexnet.experiment.DesignContext ctx) {}
                }
                """);
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        if (javac == null) return false;
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.resolve("FailsToAssemble.java").toString(), src.resolve("FailsToInitialise.java").toString()));
        return true;
    }

    @Test
    void aDesignWhoseAssembleThrowsEndsTheRunInOneLineWithItsLine() throws Exception {
        Path classes = dir.resolve("classes"), f = dir.resolve("tiny.yaml");
        org.junit.jupiter.api.Assumptions.assumeTrue(compileFailingDesigns(classes), "no compiler in this JDK");
        Files.writeString(f, TINY.replace("{name: rtc, builtin: run-to-completion}", "{name: greedy, class: demo.FailsToAssemble}"));
        String[] r = run("run", "--classpath", classes.toString(), f.toString(), "--out", dir.resolve("out").toString());
        // The line saying what runs comes first; then one line for the failure.
        String[] lines = r[2].lines().filter(l -> !l.startsWith("running ")).toArray(String[]::new);
        assertRefusedInOneLine(new String[] {r[0], r[1], lines.length == 1 ? lines[0] + System.lineSeparator() : r[2]},
                "flexnet run: " + f + ":9: design greedy: assemble() failed: needs 3 cores, has 2");
    }

    @Test
    void aDesignWhoseStaticInitialiserThrowsIsRefusedWithItsLine() throws Exception {
        Path classes = dir.resolve("classes"), f = dir.resolve("tiny.yaml");
        org.junit.jupiter.api.Assumptions.assumeTrue(compileFailingDesigns(classes), "no compiler in this JDK");
        Files.writeString(f, TINY.replace("{name: rtc, builtin: run-to-completion}", "{name: eager, class: demo.FailsToInitialise}"));
        assertRefusedInOneLine(run("run", "--check", "--classpath", classes.toString(), f.toString()),
                "flexnet run: " + f + ":9: design eager: class demo.FailsToInitialise failed in its static initialiser: ",
                "For input string: \"many\"");
    }

    @Test
    void refusesClasspathEntriesThatDoNotExistOrAreNotJars() throws Exception {
        Path f = dir.resolve("tiny.yaml"), missing = dir.resolve("nope"), text = dir.resolve("notes.txt");
        Files.writeString(f, TINY);
        Files.writeString(text, "not a jar");
        assertRefusedInOneLine(run("run", "--check", "--classpath", dir + ":" + missing, f.toString()),
                "flexnet run: --classpath " + missing + ": no such file or directory");
        assertRefusedInOneLine(run("run", "--check", "--classpath", text.toString(), f.toString()),
                "flexnet run: --classpath " + text + ": neither a directory nor a jar");
    }

    @Test
    void refusesABadFileWithLineAndReasonBeforeRunning() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, """
                name: bad
                workload:
                  classes: [{name: a, port: 9000}]
                  service: {GET: fixed 10us}
                loads: [1000]
                designs:
                  - {name: x, builtin: no-such-design}
                """);
        String[] r = run("run", f.toString(), "--out", dir.resolve("out").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains(f + ":7: unknown design 'no-such-design'"), r[2]);
        assertFalse(Files.exists(dir.resolve("out")), "nothing ran, nothing written");
    }

    @Test
    void loadsDesignsFromTheGivenClasspath() throws Exception {
        // A design compiled here, outside the project's class path: only --classpath can find it.
        Path src = dir.resolve("src/demo/Mine.java"), classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package demo;
                public final class Mine implements io.flexnet.experiment.Design {
                    public void assemble(io.flexnet.experiment.DesignContext ctx) {}
                }
                """);
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        org.junit.jupiter.api.Assumptions.assumeTrue(javac != null, "no compiler in this JDK");
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc);
        Path f = dir.resolve("mine.yaml");
        Files.writeString(f, """
                name: mine
                workload:
                  classes: [{name: a, port: 9000}]
                  service: {GET: fixed 10us}
                loads: [1000]
                designs:
                  - {name: mine, class: demo.Mine}
                """);
        String[] without = run("run", "--check", f.toString());
        assertEquals("2", without[0]);
        assertTrue(without[2].contains("class demo.Mine is not on the classpath"), without[2]);
        String[] with = run("run", "--check", "--classpath", classes.toString(), f.toString());
        assertEquals("0", with[0], with[2]);
    }

    @Test
    void checkSaysWhatWouldRun() {
        String[] r = run("run", "--check");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("ok: default: 2 designs"), r[1]);
    }

    @Test
    void writesTableCsvJsonAndPlotsAndACapture() throws Exception {
        Path f = dir.resolve("tiny.yaml");
        Files.writeString(f, """
                name: tiny
                workload:
                  classes: [{name: a, port: 9000}]
                  service: {GET: fixed 5us}
                loads: [500, 1000]
                warmup: 50ms
                duration: 200ms
                designs:
                  - {name: rtc, builtin: run-to-completion}
                """);
        Path out = dir.resolve("out"), pcap = dir.resolve("tiny.pcap");
        String[] r = run("run", f.toString(), "--out", out.toString(), "--pcap", pcap.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("offered/s"), r[1]);
        assertTrue(r[1].contains("shares these cores"), "header states the generator shares the machine");
        assertTrue(r[2].contains("[1/2] rtc"), "progress line on stderr");
        String csv = Files.readString(out.resolve("results.csv"));
        assertTrue(csv.startsWith("design,offered_rps,achieved_rps,p50_us,p99_us,p999_us,dropped,cores_mean"), csv);
        assertEquals(3, csv.split("\n").length);
        assertTrue(Files.readString(out.resolve("results.json")).contains("\"experiment\": \"tiny\""));
        for (String png : new String[] {"latency.png", "cores.png", "p99-vs-cores.png"}) {
            byte[] b = Files.readAllBytes(out.resolve(png));
            assertTrue(b.length > 1000 && b[0] == (byte) 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', png + " is a PNG");
        }
        byte[] cap = Files.readAllBytes(pcap);
        assertTrue(cap.length > 24 + 100 * (16 + 42), "requests and replies captured: " + cap.length + " bytes");
        assertTrue(r[1].contains("captured "), r[1]);
    }
}
