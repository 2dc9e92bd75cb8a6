// flexnet policy check|dump|conformance: verdicts, exit statuses and the summary line.
package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {
    @TempDir Path dir;

    private Path compile(String source) throws Exception {
        Path c = dir.resolve("p.c"), o = dir.resolve("p.o");
        Files.writeString(c, source);
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        Process p;
        try {
            p = new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf", "-mcpu=v3", "-I/usr/include/" + arch + "-linux-gnu",
                    "-c", c.toString(), "-o", o.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            System.out.println("skipped: clang is not installed");
            assumeTrue(false, "clang is not installed");
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assumeTrue(!out.contains("file not found"), "libbpf headers missing");
        assertEquals(0, p.exitValue(), out);
        return o;
    }

    static final String HEADER = "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nchar LICENSE[] SEC(\"license\") = \"GPL\";\n";

    @Test
    void checkAcceptsASafePolicyWithExitZero() throws Exception {
        Path o = compile(HEADER + """
                SEC("sk_reuseport")
                int pass(struct sk_reuseport_md *md) { return SK_PASS; }
                """);
        String[] r = RunCommandTest.run("policy", "check", o.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("pass (section sk_reuseport, hook SOCKET): accepted"), r[1]);
        assertTrue(r[1].contains("processed"), r[1]);
        String[] d = RunCommandTest.run("policy", "dump", o.toString());
        assertEquals("0", d[0]);
        assertTrue(d[1].contains("exit"), d[1]);
    }

    @Test
    void checkRefusesAnUnsafePolicyWithTheLogAndExitOne() throws Exception {
        Path o = compile(HEADER + """
                SEC("sk_reuseport")
                int peek(struct sk_reuseport_md *md) { __u8 *p = md->data; return p[3]; }
                """);
        String[] r = RunCommandTest.run("policy", "check", o.toString());
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("refused") && r[1].contains("data_end") && r[1].contains("*(u8 *)"), r[1]);
    }

    @Test
    void checkRefusesAFileThatIsNoObject() throws Exception {
        Path f = dir.resolve("x.o");
        Files.writeString(f, "not an object");
        String[] r = RunCommandTest.run("policy", "check", f.toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("refused"), r[1]);
    }

    @Test
    void conformanceEndsWithTheCounts() throws Exception {
        Path tests = Path.of(System.getProperty("bpf.conformance", "../shared/bpf_conformance/tests"));
        Path mine = dir.resolve("suite");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("ok.data"), "-- asm\nmov %r0, 3\nexit\n-- result\n0x3\n");
        Files.writeString(mine.resolve("wrong.data"), "-- asm\nmov %r0, 3\nexit\n-- result\n0x4\n");
        String[] r = RunCommandTest.run("policy", "conformance", mine.toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].trim().endsWith("2 passed, 2 failed"), r[1]);
        if (!Files.isDirectory(tests)) {
            System.out.println("skipped the shared suite: no conformance files at " + tests.toAbsolutePath());
            return;
        }
        String[] all = RunCommandTest.run("policy", "conformance", tests.toString());
        assertEquals("0", all[0], all[1]);
        assertTrue(all[1].trim().matches("(?s).*\\d+ passed, 0 failed"), all[1]);
    }
}
