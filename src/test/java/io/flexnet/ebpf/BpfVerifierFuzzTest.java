package io.flexnet.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated programs through the verifier; every one it accepts runs in the interpreter,
 * which checks each access: none may touch memory outside its packet, stack or map values, and none
 * may run more instructions than the verifier's walk processed.
 */
class BpfVerifierFuzzTest {
    static final int PROGRAMS = Integer.getInteger("bpf.fuzz", 100_000);
    static final int BUDGET = 2_000;

    @Test
    void acceptedProgramsNeverFaultNorOverrun() throws Exception {
        Random rnd = new Random(Long.getLong("bpf.fuzz.seed", 20261204L));
        List<Insn[]> seeds = new ArrayList<>();
        for (String name : List.of("round_robin", "scan_avoid", "sita", "token_based")) {
            try {
                seeds.add(BpfObject.load(BpfSources.object(name)).program("sk_reuseport").insns());
            } catch (org.opentest4j.TestAbortedException noClang) {
                break;  // random programs alone still test the verifier
            }
        }
        int accepted = 0, faults = 0;
        List<String> problems = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int n = 0; n < PROGRAMS; n++) {
            boolean mutate = !seeds.isEmpty() && n % 4 == 0;
            Hook hook = mutate ? Hook.SOCKET : Hook.QUEUE;
            Insn[] prog = mutate ? mutate(seeds.get(rnd.nextInt(seeds.size())), rnd) : random(rnd);
            Verifier.Result ok;
            try {
                ok = Verifier.verify(prog, hook, FuzzMachine.DEFS, BUDGET);
            } catch (Refusal r) {
                continue;
            }
            accepted++;
            for (int run = 0; run < 3; run++) {
                byte[] packet = new byte[rnd.nextInt(80)];
                rnd.nextBytes(packet);
                FuzzMachine m = new FuzzMachine(hook, packet);
                try {
                    new Interpreter(prog, ok.processed() + 1).run(m, Addr.of(Addr.CTX, 0), 0);
                    if (m.steps > ok.processed()) problems.add("ran " + m.steps + " > " + ok.processed() + ":\n" + Disassembler.program(prog));
                } catch (BpfFault f) {
                    faults++;
                    if (problems.size() < 5) problems.add(f.getMessage() + "\n" + ok.log() + Disassembler.program(prog));
                }
            }
        }
        System.out.printf("verifier fuzz: %d programs, %d accepted, %d faults, %.1f s%n", PROGRAMS, accepted, faults, (System.nanoTime() - t0) / 1e9);
        assertEquals(List.of(), problems);
        assertTrue(accepted > PROGRAMS / 100, "too few accepted to mean anything: " + accepted);
    }

    /** A seed program with one to three fields of one to three instructions changed. */
    static Insn[] mutate(Insn[] seed, Random rnd) {
        Insn[] p = seed.clone();
        for (int k = 0, n = 1 + rnd.nextInt(3); k < n; k++) {
            int i = rnd.nextInt(p.length);
            Insn x = p[i];
            if (x.isLddw() || (i > 0 && p[i - 1].isLddw())) continue;
            p[i] = switch (rnd.nextInt(5)) {
                case 0 -> new Insn(x.opcode(), rnd.nextInt(11), x.src(), x.off(), x.imm(), 0);
                case 1 -> new Insn(x.opcode(), x.dst(), rnd.nextInt(11), x.off(), x.imm(), 0);
                case 2 -> new Insn(x.opcode(), x.dst(), x.src(), x.off() + rnd.nextInt(33) - 16, x.imm(), 0);
                case 3 -> new Insn(x.opcode(), x.dst(), x.src(), x.off(), x.imm() + rnd.nextInt(33) - 16, 0);
                default -> new Insn(OPS[rnd.nextInt(OPS.length)], x.dst(), x.src(), x.off(), x.imm(), 0);
            };
        }
        return p;
    }

    static final int[] OPS = {
        0x07, 0x0f, 0x17, 0x1f, 0x27, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f, 0xa7, 0xaf,
        0xb7, 0xbf, 0xc7, 0xcf, 0x04, 0x0c, 0x14, 0x24, 0x34, 0x3c, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0x9c, 0xa4, 0xb4, 0xbc,
        0xc4, 0xd4, 0xdc, 0xd7,
        0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xdb, 0xc3,
        0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xd5,
        0x16, 0x1e, 0x26, 0x2e, 0xa6, 0xb6, 0x85, 0x95
    };

    /** A random program that reads the context's packet pointers first, so that many get past the verifier. */
    static Insn[] random(Random rnd) {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn(0x61, 2, 1, 0, 0, 0));   // r2 = data
        p.add(new Insn(0x61, 3, 1, 4, 0, 0));   // r3 = data_end
        p.add(new Insn(0xb7, 0, 0, 0, 0, 0));   // r0 = 0
        int n = 3 + rnd.nextInt(24);
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(12);
            int dst = rnd.nextInt(10), src = rnd.nextInt(11);
            switch (kind) {
                case 0 -> { p.add(new Insn(0x18, dst, rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3), 0, rnd.nextInt(4), rnd.nextInt(4))); p.add(Insn.filler(0)); }
                case 1 -> p.add(new Insn(0x85, 0, 0, 0, new int[] {1, 2, 3, 5, 7, 51, 82, 6}[rnd.nextInt(8)], 0));
                case 2 -> {  // a bounds check of the packet pointer
                    p.add(new Insn(0xbf, 4, 2, 0, 0, 0));
                    p.add(new Insn(0x07, 4, 0, 0, rnd.nextInt(24), 0));
                    p.add(new Insn(0x2d, 4, 3, 1 + rnd.nextInt(4), 0, 0));
                }
                case 3 -> p.add(new Insn(0xbf, dst, 10, 0, 0, 0));
                case 4 -> p.add(new Insn(0x07, dst, 0, 0, -8 * rnd.nextInt(5) - (rnd.nextInt(4) == 0 ? 4 : 0), 0));
                default -> {
                    int op = OPS[rnd.nextInt(OPS.length)];
                    int off = switch (op & 7) {
                        case 5, 6 -> rnd.nextInt(10) == 0 ? -1 - rnd.nextInt(4) : rnd.nextInt(6);
                        default -> rnd.nextBoolean() ? -8 * rnd.nextInt(6) - (rnd.nextBoolean() ? 0 : 4) : rnd.nextInt(20);
                    };
                    p.add(new Insn(op, dst, src, off, rnd.nextInt(10) == 0 ? rnd.nextInt() : rnd.nextInt(40) - 8, 0));
                }
            }
        }
        p.add(new Insn(0x95, 0, 0, 0, 0, 0));
        return p.toArray(Insn[]::new);
    }
}
