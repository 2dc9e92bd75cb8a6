package io.flexnet.ebpf;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles the project's C policies ({@code src/main/bpf}) with clang into {@code target/bpf}, once
 * per source change; a test that needs them is skipped with the reason when clang or the libbpf
 * headers are missing (.ci/run installs both).
 */
final class BpfSources {
    static final Path SRC = Path.of("src/main/bpf");
    static final Path OUT = Path.of("target/bpf");

    private BpfSources() {}

    /** {@code target/bpf/NAME.o}, compiled from {@code src/main/bpf/NAME.c} when older; skips the test without clang. */
    static synchronized Path object(String name, String... defines) throws Exception {
        String suffix = defines.length == 0 ? "" : "-" + String.join("-", defines).replaceAll("[^A-Za-z0-9]", "_");
        Path c = SRC.resolve(name + ".c"), o = OUT.resolve(name + suffix + ".o");
        if (Files.exists(o) && Files.getLastModifiedTime(o).compareTo(newest()) >= 0) return o;
        Files.createDirectories(OUT);
        List<String> cmd = new ArrayList<>(List.of("clang", "-O2", "-g", "-target", "bpf", "-mcpu=v3",
                "-I" + multiarchInclude()));
        for (String d : defines) cmd.add("-D" + d);
        cmd.addAll(List.of("-c", c.toString(), "-o", o.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            System.out.println("skipped: clang is not installed (" + e.getMessage() + ")");
            assumeTrue(false, "clang is not installed");
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        boolean headers = !out.contains("file not found");
        if (!headers) System.out.println("skipped: libbpf or kernel headers missing: " + out);
        assumeTrue(headers, "libbpf or kernel headers missing");
        if (p.exitValue() != 0) throw new IllegalStateException("clang failed on " + c + ":\n" + out);
        return o;
    }

    private static java.nio.file.attribute.FileTime newest() throws Exception {
        try (var s = Files.list(SRC)) {
            return s.map(f -> { try { return Files.getLastModifiedTime(f); } catch (Exception e) { throw new RuntimeException(e); } })
                    .max(java.nio.file.attribute.FileTime::compareTo).orElseThrow();
        }
    }

    /** Where Debian keeps {@code asm/types.h}, which {@code linux/bpf.h} includes. */
    static String multiarchInclude() {
        String arch = System.getProperty("os.arch");
        String gnu = switch (arch) { case "amd64", "x86_64" -> "x86_64"; case "aarch64", "arm64" -> "aarch64"; default -> arch; };
        return "/usr/include/" + gnu + "-linux-gnu";
    }

    static byte[] bytes(String name) throws Exception { return Files.readAllBytes(object(name)); }
}
