// The classic BPF checker refuses what could misbehave; interpreter and compiler agree on every frame.
package io.flexnet.interpose;

import static io.flexnet.interpose.ClassicBpf.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ClassicBpfTest {
    /** One instruction as the pair {@link ClassicBpf#of} takes. */
    static int[] insn(int code, int jt, int jf, int k) { return new int[] {code | jt << 16 | jf << 24, k}; }

    static int[] prog(int[]... insns) {
        int[] out = new int[insns.length * 2];
        for (int i = 0; i < insns.length; i++) System.arraycopy(insns[i], 0, out, 2 * i, 2);
        return out;
    }

    static int both(ClassicBpf p, byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int interpreted = p.run(s, 0, frame.length);
        int compiled = BpfCompiler.compile(p).run(s, 0, frame.length);
        assertEquals(interpreted, compiled, () -> "interpreter and compiled code differ on\n" + p);
        return interpreted;
    }

    @Test
    void refusesAJumpPastTheEnd() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ClassicBpf.of(prog(insn(JMP | JEQ | K, 0, 5, 1), insn(RET | K, 0, 0, 1))));
        assertEquals("BPF instruction 0 (jeq      #0x1       jt 1\tjf 6): jumps past the end of the program", e.getMessage());
    }

    @Test
    void refusesAProgramThatRunsOffItsEnd() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClassicBpf.of(prog(insn(LD | W | IMM, 0, 0, 1))));
        assertTrue(e.getMessage().contains("the last instruction must return"), e.getMessage());
    }

    @Test
    void refusesScratchIndexDivisionAndShiftOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> ClassicBpf.of(prog(insn(ST, 0, 0, 16), insn(RET | K, 0, 0, 0))));
        assertThrows(IllegalArgumentException.class, () -> ClassicBpf.of(prog(insn(LDX | W | MEM, 0, 0, 99), insn(RET | K, 0, 0, 0))));
        var div = assertThrows(IllegalArgumentException.class,
                () -> ClassicBpf.of(prog(insn(ALU | DIV | K, 0, 0, 0), insn(RET | K, 0, 0, 0))));
        assertTrue(div.getMessage().contains("division by the constant 0"), div.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassicBpf.of(prog(insn(ALU | LSH | K, 0, 0, 32), insn(RET | K, 0, 0, 0))));
        var op = assertThrows(IllegalArgumentException.class, () -> ClassicBpf.of(prog(insn(0x07 | 0x40, 0, 0, 0), insn(RET | K, 0, 0, 0))));
        assertTrue(op.getMessage().startsWith("BPF instruction 0"), op.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassicBpf.of(new int[0]));
    }

    @Test
    void loadsPastTheEndRejectTheFrame() {
        ClassicBpf p = ClassicBpf.of(prog(insn(LD | W | ABS, 0, 0, 10), insn(RET | K, 0, 0, 0xFFFF)));
        assertEquals(0xFFFF, both(p, new byte[14]));
        assertEquals(0, both(p, new byte[13]));
        // An index that wraps in 32 bits must still be past the end, not at the start.
        ClassicBpf ind = ClassicBpf.of(prog(insn(LDX | W | IMM, 0, 0, -1), insn(LD | B | IND, 0, 0, 1),
                insn(RET | K, 0, 0, 1)));
        assertEquals(0, both(ind, new byte[64]));
    }

    @Test
    void scratchMemoryRegistersAndArithmeticBehaveAsInLibpcap() {
        // M[3] = len; X = 4 * (frame[0] & 0xf); A = M[3] - X; A = A / X; return A.
        ClassicBpf p = ClassicBpf.of(prog(
                insn(LD | W | LEN, 0, 0, 0), insn(ST, 0, 0, 3), insn(LDX | B | MSH, 0, 0, 0),
                insn(LD | W | MEM, 0, 0, 3), insn(ALU | SUB | X, 0, 0, 0), insn(ALU | DIV | X, 0, 0, 0),
                insn(RET | RET_A, 0, 0, 0)));
        byte[] f = new byte[100];
        f[0] = 0x45;  // X = 20
        assertEquals(4, both(p, f));
        f[0] = 0x40;  // X = 0: division by X == 0 rejects
        assertEquals(0, both(p, f));
        // Shifts by X of 32 or more leave nothing; unsigned comparison.
        ClassicBpf sh = ClassicBpf.of(prog(insn(LD | W | IMM, 0, 0, -1), insn(LDX | W | IMM, 0, 0, 32),
                insn(ALU | RSH | X, 0, 0, 0), insn(RET | RET_A, 0, 0, 0)));
        assertEquals(0, both(sh, f));
        ClassicBpf gt = ClassicBpf.of(prog(insn(LD | W | IMM, 0, 0, -1), insn(JMP | JGT | K, 0, 1, 5),
                insn(RET | K, 0, 0, 7), insn(RET | K, 0, 0, 9)));
        assertEquals(7, both(gt, f));
    }

    @Test
    void interpreterAndCompiledCodeAgreeOnRandomFrames() {
        Assumptions.assumeTrue(CaptureFilter.available(), Libpcap.unavailableReason());
        List<String> expressions = List.of("tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420",
                "vlan and (tcp[tcpflags] & tcp-syn != 0 or udp port 53)", "ip[2:2] - ((ip[0] & 0xf) << 2) > 300",
                "net 198.18.0.0/15 and portrange 1000-2000");
        SplittableRandom rnd = new SplittableRandom(17);
        for (String e : expressions) {
            CaptureFilter f = CaptureFilter.compile(e);
            for (int i = 0; i < 20_000; i++) {
                byte[] b = new byte[rnd.nextInt(120)];
                rnd.nextBytes(b);
                if (b.length > 13 && rnd.nextBoolean()) { b[12] = 0x08; b[13] = 0; }       // mostly IPv4
                if (b.length > 14 && rnd.nextBoolean()) b[14] = 0x45;
                if (b.length > 23 && rnd.nextBoolean()) b[23] = (byte) (rnd.nextBoolean() ? 6 : 17);
                MemorySegment s = MemorySegment.ofArray(b);
                assertEquals(f.matchesInterpreted(s, 0, b.length), f.matches(s, 0, b.length), e);
            }
        }
    }

    @Test
    void libpcapsReasonReachesTheUser() {
        Assumptions.assumeTrue(CaptureFilter.available(), Libpcap.unavailableReason());
        var e = assertThrows(CaptureFilterException.class, () -> CaptureFilter.compile("tcp port"));
        assertEquals("tcp port", e.expression());
        assertTrue(e.getMessage().startsWith("capture filter 'tcp port': "), e.getMessage());
        assertTrue(e.reason().contains("syntax error"), e.reason());
        var host = assertThrows(CaptureFilterException.class, () -> CaptureFilter.compile("ip broadcast"));
        assertTrue(host.reason().contains("netmask"), host.reason());
    }

    @Test
    void ownerSelectsFramesToOrFromTheTenantsPorts() {
        Assumptions.assumeTrue(CaptureFilter.available(), Libpcap.unavailableReason());
        OwnerTable owners = new OwnerTable();
        owners.bind(OwnerTable.PROTO_UDP, 5432, new Owner("pg", "postgres", "postgres"));
        owners.bind(OwnerTable.PROTO_TCP, 5432, new Owner("pg", "postgres", "postgres"));
        owners.bind(OwnerTable.PROTO_UDP, 3306, new Owner("my", "mysql", "mysqld"));
        byte[][] frames = {
                io.flexnet.fixture.Frame.udp().ports(40000, 5432).build(),
                io.flexnet.fixture.Frame.udp().ports(40000, 3306).build(),
                io.flexnet.fixture.Frame.tcp().vlan(7).ports(5432, 40000).build(),
                io.flexnet.fixture.Frame.icmpEcho().build()};
        record Case(String expr, String expected) {}
        for (Case c : List.of(new Case("owner pg", "1010"), new Case("owner pg and vlan and tcp", "0010"),
                new Case("owner pg and tcp", "0000"),  // as in tcpdump, a tagged frame is not plain tcp
                new Case("owner my", "0100"), new Case("owner nobody", "0000"), new Case("udp", "1100"))) {
            CaptureFilter f = CaptureFilter.compile(c.expr(), owners);
            StringBuilder got = new StringBuilder();
            for (byte[] b : frames) got.append(f.matches(MemorySegment.ofArray(b), 0, b.length) ? '1' : '0');
            assertEquals(c.expected(), got.toString(), c.expr());
        }
    }

    @Test
    void theEmptyExpressionMatchesEverything() {
        Assumptions.assumeTrue(CaptureFilter.available(), Libpcap.unavailableReason());
        CaptureFilter f = CaptureFilter.compile("");
        assertTrue(f.matches(MemorySegment.ofArray(new byte[1]), 0, 1));
    }
}
