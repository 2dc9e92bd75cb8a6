package io.flexnet.ebpf;

import java.nio.file.Path;

/** Compiles one C file of a test into an eBPF object, or skips the test without clang. */
final class Clang {
    private Clang() {}

    static Path compile(Path c, Path o) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf", "-mcpu=v3", "-I" + BpfSources.multiarchInclude(),
                    "-c", c.toString(), "-o", o.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "clang is not installed");
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("clang failed on " + c + ":\n" + out);
        return o;
    }
}
