package io.flexnet.ebpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the bpf_conformance suite's test files: each has a program ({@code -- asm}), optional memory
 * ({@code -- mem}, pointed to by {@code r1}, its length in {@code r2}) and the expected {@code r0}
 * ({@code -- result}). The same file runs through the interpreter and through the JIT.
 */
public final class Conformance {
    private Conformance() {}

    /** Instructions one test may execute: the suite's programs are short; a loop that runs away fails. */
    static final long BUDGET = 1_000_000;

    /** How a program runs. */
    public enum Engine { INTERPRETER, JIT }

    /** One test file, parsed. */
    public record Case(String name, String asm, byte[] mem, long expected) {}

    /** One file's outcome; {@code detail} says what differed. */
    public record Outcome(String name, Engine engine, boolean passed, String detail) {}

    public static Case parse(Path file) throws IOException {
        String section = "";
        StringBuilder asm = new StringBuilder(), mem = new StringBuilder(), result = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("-- ")) { section = line.substring(3).trim(); continue; }
            if (line.startsWith("#") && !section.equals("asm")) continue;
            switch (section) {
                case "asm" -> asm.append(line).append('\n');
                case "mem" -> mem.append(line.replaceAll("\\s+", ""));
                case "result" -> result.append(line.trim());
                default -> { }
            }
        }
        String r = result.toString();
        if (r.isEmpty()) throw new IllegalArgumentException(file.getFileName() + ": no -- result section");
        return new Case(file.getFileName().toString(), asm.toString(), HexFormat.of().parseHex(mem.toString()),
                Assembler.number(r));
    }

    public static Outcome run(Case c, Engine engine) {
        Insn[] prog;
        try {
            prog = Assembler.assemble(c.asm());
        } catch (IllegalArgumentException e) {
            return new Outcome(c.name(), engine, false, "does not assemble: " + e.getMessage());
        }
        MemoryMachine m = new MemoryMachine(c.mem().clone());
        long r1 = Addr.of(Addr.PACKET, 0), r2 = c.mem().length;
        long r0;
        try {
            r0 = engine == Engine.INTERPRETER
                    ? new Interpreter(prog, BUDGET).run(m, r1, r2)
                    : Jit.compileUnverified(prog, c.name()).run(m, r1, r2);
        } catch (BpfFault | Jit.JitException e) {
            return new Outcome(c.name(), engine, false, e.getMessage());
        }
        if (r0 != c.expected()) {
            return new Outcome(c.name(), engine, false, "r0 = 0x" + Long.toHexString(r0) + ", expected 0x" + Long.toHexString(c.expected()));
        }
        return new Outcome(c.name(), engine, true, "");
    }

    /** Every {@code .data} file of {@code dir}, through each engine, in name order. */
    public static List<Outcome> runAll(Path dir, Engine... engines) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
        List<Outcome> out = new ArrayList<>();
        for (Path f : files) {
            Case c;
            try {
                c = parse(f);
            } catch (IllegalArgumentException e) {
                for (Engine en : engines) out.add(new Outcome(f.getFileName().toString(), en, false, e.getMessage()));
                continue;
            }
            for (Engine en : engines) out.add(run(c, en));
        }
        return out;
    }

    /** The suite's machine: one block of memory as the packet region, and helper 5 returning its argument. */
    static final class MemoryMachine extends Machine {
        private final byte[] mem;

        MemoryMachine(byte[] mem) { this.mem = mem; }

        @Override protected int packetLength() { return mem.length; }
        @Override protected int packetByte(int off) { return mem[off] & 0xff; }
        @Override protected void packetStore(int off, int b) { mem[off] = (byte) b; }

        @Override
        protected long helper(int id, long r1, long r2, long r3, long r4, long r5) {
            if (id == Helpers.CONFORMANCE_IDENTITY) return r1;
            return super.helper(id, r1, r2, r3, r4, r5);
        }
    }
}
