package io.flexnet.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier refuses what it must, naming the instruction, and accepts what is safe. */
class BpfVerifierTest {
    static Verifier.Result verify(String asm, Hook hook) throws Refusal {
        return Verifier.verify(Assembler.assemble(asm), hook, FuzzMachine.DEFS);
    }

    static Refusal refused(String asm, Hook hook) {
        Refusal r = assertThrows(Refusal.class, () -> verify(asm, hook));
        System.out.println("refused as expected:\n" + r.getMessage());
        return r;
    }

    @Test
    void refusesAnUnboundedLoop() {
        Refusal r = refused("""
                mov %r0, 0
                loop:
                add %r0, 1
                jne %r0, 0, loop
                exit
                """, Hook.QUEUE);
        assertTrue(r.reason().contains("too complex") || r.reason().contains("infinite loop"), r.reason());
        Refusal same = refused("""
                mov %r0, 0
                loop:
                ja loop
                """, Hook.QUEUE);
        assertTrue(same.reason().contains("infinite loop") || same.reason().contains("falls off"), same.reason());
    }

    @Test
    void acceptsALoopTheWalkProvesBounded() throws Refusal {
        Verifier.Result ok = verify("""
                mov %r0, 0
                mov %r1, 0
                loop:
                add %r0, %r1
                add %r1, 1
                jlt %r1, 100, loop
                exit
                """, Hook.QUEUE);
        assertTrue(ok.processed() > 300, ok.log());
        assertEquals(4950, new Interpreter(ok.insns(), 10_000).run(new FuzzMachine(Hook.QUEUE, new byte[8]), 0, 0));
    }

    @Test
    void refusesAPacketReadWithoutADataEndCheck() {
        Refusal r = refused("""
                ldxw %r2, [%r1+0]
                ldxb %r0, [%r2+14]
                exit
                """, Hook.QUEUE);
        assertEquals(1, r.pc());
        assertTrue(r.reason().contains("invalid access to packet") && r.reason().contains("data_end"), r.reason());
        assertTrue(r.insn().contains("r0 = *(u8 *)(r2 +14)"), r.insn());
        assertTrue(r.registers().contains("R2=pkt"), r.registers());
    }

    @Test
    void acceptsAPacketReadAfterTheCheck() throws Refusal {
        verify("""
                ldxw %r2, [%r1+0]
                ldxw %r3, [%r1+4]
                mov %r4, %r2
                add %r4, 15
                mov %r0, -1
                jgt %r4, %r3, out
                ldxb %r0, [%r2+14]
                out:
                exit
                """, Hook.QUEUE);
    }

    @Test
    void refusesAnUncheckedMapLookup() {
        Refusal r = refused("""
                stw [%r10-4], 0
                mov %r2, %r10
                add %r2, -4
                lddw %r1, map:0
                call 1
                ldxdw %r0, [%r0+0]
                exit
                """, Hook.QUEUE);
        assertEquals(6, r.pc());  // lddw takes slots 3 and 4
        assertTrue(r.reason().contains("map_value_or_null"), r.reason());
    }

    @Test
    void acceptsACheckedMapLookup() throws Refusal {
        verify("""
                stw [%r10-4], 0
                mov %r2, %r10
                add %r2, -4
                lddw %r1, map:0
                call 1
                jeq %r0, 0, out
                ldxdw %r0, [%r0+0]
                out:
                exit
                """, Hook.QUEUE);
    }

    @Test
    void refusesAStackReadBeforeWrite() {
        Refusal r = refused("""
                ldxdw %r0, [%r10-8]
                exit
                """, Hook.QUEUE);
        assertEquals(0, r.pc());
        assertTrue(r.reason().contains("invalid read from stack"), r.reason());
        Refusal outside = refused("""
                mov %r0, 0
                stxdw [%r10-520], %r0
                exit
                """, Hook.QUEUE);
        assertTrue(outside.reason().contains("outside the 512-byte frame"), outside.reason());
    }

    @Test
    void refusesAHelperTheHookDoesNotOffer() {
        Refusal r = refused("""
                mov %r2, 0
                mov %r3, 0
                lddw %r1, map:3
                call 51
                exit
                """, Hook.SOCKET);
        assertTrue(r.reason().contains("bpf_redirect_map#51 is not offered at the sk_reuseport hook"), r.reason());
        Refusal unknown = refused("call 6\nexit\n", Hook.QUEUE);
        assertTrue(unknown.reason().contains("unknown helper #6"), unknown.reason());
    }

    @Test
    void refusesAJumpOutOfTheProgram() {
        Refusal r = refused("""
                mov %r0, 0
                ja +5
                exit
                """, Hook.QUEUE);
        assertEquals(1, r.pc());
        assertTrue(r.reason().contains("jump out of range from insn 1 to 7"), r.reason());
        Refusal unreachable = refused("mov %r0, 0\nexit\nmov %r0, 1\nexit\n", Hook.QUEUE);
        assertTrue(unreachable.reason().contains("unreachable insn 2"), unreachable.reason());
        Refusal falls = refused("mov %r0, 0\n", Hook.QUEUE);
        assertTrue(falls.reason().contains("falls off the end"), falls.reason());
    }

    @Test
    void acceptsDivisionByAnUnprovenRegisterWithLinuxSemantics() throws Refusal {
        Verifier.Result ok = verify("""
                ldxw %r2, [%r1+12]
                mov %r0, 100
                div %r0, %r2
                mov %r3, 7
                mod %r3, %r2
                add %r0, %r3
                exit
                """, Hook.QUEUE);
        FuzzMachine zero = new FuzzMachine(Hook.QUEUE, new byte[4]) {
            @Override protected long field(Hook.Field f) { return 0; }
        };
        // 100 / 0 = 0 and 7 % 0 = 7, as Linux defines them
        assertEquals(7, new Interpreter(ok.insns(), 100).run(zero, Addr.of(Addr.CTX, 0), 0));
        assertEquals(7, Jit.compileUnverified(ok.insns(), "div").run(zero, Addr.of(Addr.CTX, 0), 0));
    }

    @Test
    void refusesReturningAPointerAndWritingTheContext() {
        assertTrue(refused("mov %r0, %r10\nexit\n", Hook.QUEUE).reason().contains("leaks a pointer"));
        assertTrue(refused("stw [%r1+12], 0\nmov %r0, 0\nexit\n", Hook.QUEUE).reason().contains("read-only"));
        assertTrue(refused("ldxw %r0, [%r1+200]\nexit\n", Hook.QUEUE).reason().contains("invalid context access"));
        assertTrue(refused("mov %r10, 0\nmov %r0, 0\nexit\n", Hook.QUEUE).reason().contains("read only"));
        assertTrue(refused("exit\n", Hook.QUEUE).reason().contains("R0 !read_ok"));
    }

    @Test
    void theLogNamesInstructionRegistersAndRule() {
        Refusal r = refused("""
                mov %r6, 5
                ldxw %r2, [%r1+0]
                ldxb %r0, [%r2+0]
                exit
                """, Hook.QUEUE);
        assertTrue(r.log().contains("2: r0 = *(u8 *)(r2 +0)"), r.log());
        assertTrue(r.log().contains("R6=5"), r.log());
        assertTrue(r.log().contains("R10=fp0"), r.log());
    }

    @Test
    void prunesALongBranchyProgramToLinearWork() throws Refusal {
        java.util.List<Insn> p = new java.util.ArrayList<>();
        p.add(new Insn(0x61, 2, 1, 8, 0, 0));           // r2 = ctx->len, unknown
        p.add(new Insn(0xb7, 0, 0, 0, 0, 0));
        while (p.size() < 4095 - 4) {                   // branch on it and join again, 1,000 times
            p.add(new Insn(0xbf, 3, 2, 0, 0, 0));
            p.add(new Insn(0x25, 3, 0, 1, 100, 0));
            p.add(new Insn(0xb7, 3, 0, 0, 5, 0));
            p.add(new Insn(0x07, 0, 0, 0, 1, 0));
        }
        while (p.size() < 4095) p.add(new Insn(0x07, 0, 0, 0, 1, 0));
        p.add(new Insn(0x95, 0, 0, 0, 0, 0));
        long t0 = System.nanoTime();
        Verifier.Result ok = Verifier.verify(p.toArray(Insn[]::new), Hook.QUEUE, java.util.List.of());
        System.out.printf("4,096 instructions verified in %.1f ms: %s", (System.nanoTime() - t0) / 1e6, ok.log());
        assertTrue(ok.processed() < 20_000, ok.log());
    }

    @Test
    void acceptsTheSyrupPolicies() throws Exception {
        for (String name : List.of("round_robin", "scan_avoid", "sita", "token_based")) {
            BpfObject o = BpfObject.load(BpfSources.object(name));
            BpfObject.Program p = o.program("sk_reuseport");
            Verifier.Result ok = Verifier.verify(p.insns(), Hook.SOCKET, o.maps());
            System.out.print(name + ": " + ok.log());
        }
    }
}
