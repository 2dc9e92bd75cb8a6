package io.flexnet.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyInput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A packet pointer compared with {@code data_end}: the compiler emits such a jump as the pointer's
 * offset against the packet's length, when the verifier saw the same comparison on every path. Every
 * jump operator, both operand orders and offsets on both sides of every length give the answer the
 * lengths dictate, compiled and interpreted; a byte read at the last proven offset is the packet's.
 */
class PacketCompareTest {
    static final String[] OPS = {"jeq", "jne", "jgt", "jge", "jlt", "jle", "jsgt", "jsge", "jslt", "jsle"};
    static final int UDP_HEADER = 8, MAX_PAYLOAD = 12;

    private final PacketPool pool = new PacketPool(MAX_PAYLOAD + 1);
    private final List<Packet> packets = new ArrayList<>();

    @AfterEach
    void close() {
        for (Packet p : packets) p.release();
        assertEquals(pool.capacity(), pool.available(), "every slot back");
        pool.close();
    }

    /** UDP datagrams with payloads of 0..MAX_PAYLOAD bytes, byte i of the payload being 3 * i + 1. */
    private List<Packet> datagrams() {
        for (int n = 0; n <= MAX_PAYLOAD; n++) {
            byte[] payload = new byte[n];
            for (int i = 0; i < n; i++) payload[i] = (byte) (3 * i + 1);
            packets.add(Packets.parsed(pool, Frame.udp().from(Hosts.PEER).to(Hosts.US).ports(40_000 + n, 9000).payload(payload).build()));
        }
        return packets;
    }

    /** {@code r4 = data + k; if r4 OP data_end} (or the operands swapped): SK_PASS when taken, SK_DROP otherwise. */
    private static String program(String op, int k, boolean packetFirst) {
        return """
                ldxdw %r2, [%r1+0]
                ldxdw %r3, [%r1+8]
                mov %r4, %r2
                add %r4, K
                OP A, B, yes
                mov %r0, 0
                exit
                yes:
                mov %r0, 1
                exit
                """.replace("K", Integer.toString(k)).replace("OP", op)
                .replace("A", packetFirst ? "%r4" : "%r3").replace("B", packetFirst ? "%r3" : "%r4");
    }

    static boolean holds(String op, long a, long b) {
        return switch (op) {
            case "jeq" -> a == b; case "jne" -> a != b;
            case "jgt", "jsgt" -> a > b; case "jge", "jsge" -> a >= b;
            case "jlt", "jslt" -> a < b; default -> a <= b;
        };
    }

    /** The compiled answer and the interpreter's for one input. */
    private static int[] run(Verifier.Result v, PolicyJit.Program compiled, PolicyInput in) {
        PolicyAccess.Table table = new PolicyAccess.Table(v.maps(), () -> 0);
        PolicyMachine m = new PolicyMachine(v.hook(), v.maps(), table, () -> 0);
        m.bind(in);
        long r0 = new Interpreter(v.insns(), v.processed() + 1).run(m, Addr.of(Addr.CTX, 0), 0);
        return new int[] {compiled.run(in), PolicyAccess.answer(v.hook().ordinal(), r0, m.selected)};
    }

    @Test
    void everyOperatorBothWaysAnswersAsTheLengthsSay() throws Exception {
        List<Packet> ps = datagrams();
        int cases = 0;
        for (String op : OPS) {
            for (boolean packetFirst : new boolean[] {true, false}) {
                for (int k = -2; k <= UDP_HEADER + MAX_PAYLOAD + 2; k++) {
                    Verifier.Result v = Verifier.verify(Assembler.assemble(program(op, k, packetFirst)), Hook.SOCKET, List.of());
                    assertEquals(packetFirst ? Facts.PACKET_DST : Facts.PACKET_SRC, v.facts().cmpSide[4], op + " k=" + k);
                    assertEquals(k, v.facts().cmpOff[4]);
                    PolicyJit.Program c = PolicyJit.compile(v, new PolicyAccess.Table(v.maps(), () -> 0), "cmp");
                    for (Packet p : ps) {
                        int length = UDP_HEADER + p.payloadLength;
                        boolean taken = packetFirst ? holds(op, k, length) : holds(op, length, k);
                        int want = taken ? MatchingPolicy.PASS : MatchingPolicy.DROP;
                        int[] got = run(v, c, PolicyInput.of(p, 4));
                        String what = op + (packetFirst ? " data+" + k + ", data_end" : " data_end, data+" + k) + " with length " + length;
                        assertEquals(want, got[0], "compiled: " + what);
                        assertEquals(want, got[1], "interpreted: " + what);
                        cases++;
                    }
                }
            }
        }
        assertEquals(OPS.length * 2 * (UDP_HEADER + MAX_PAYLOAD + 5) * (MAX_PAYLOAD + 1), cases);
    }

    @Test
    void aByteAtTheLastProvenOffsetIsThePackets() throws Exception {
        List<Packet> ps = datagrams();
        for (int k = UDP_HEADER + 1; k <= UDP_HEADER + MAX_PAYLOAD; k++) {
            // if data + k > data_end: pass; else drop when bit 0 of byte k-1 is clear (3i + 1 alternates it)
            String asm = """
                    ldxdw %r2, [%r1+0]
                    ldxdw %r3, [%r1+8]
                    mov %r4, %r2
                    add %r4, K
                    jgt %r4, %r3, short
                    ldxb %r0, [%r2+L]
                    and %r0, 1
                    exit
                    short:
                    mov %r0, 1
                    exit
                    """.replace("K", Integer.toString(k)).replace("L", Integer.toString(k - 1));
            Verifier.Result v = Verifier.verify(Assembler.assemble(asm), Hook.SOCKET, List.of());
            PolicyJit.Program c = PolicyJit.compile(v, new PolicyAccess.Table(v.maps(), () -> 0), "read");
            for (Packet p : ps) {
                int at = k - 1 - UDP_HEADER;  // the byte's index in the payload
                int want = at >= p.payloadLength ? MatchingPolicy.PASS : ((3 * at + 1) & 1) == 1 ? MatchingPolicy.PASS : MatchingPolicy.DROP;
                int[] got = run(v, c, PolicyInput.of(p, 4));
                assertEquals(want, got[0], "compiled, k=" + k + ", payload " + p.payloadLength);
                assertEquals(want, got[1], "interpreted, k=" + k + ", payload " + p.payloadLength);
            }
        }
    }

    @Test
    void twoPathsComparingAtDifferentOffsetsKeepTheGeneralTest() throws Exception {
        // the context's hash picks data + 10 or data + 14 before one comparison: the compiler cannot use one offset
        String asm = """
                ldxdw %r2, [%r1+0]
                ldxdw %r3, [%r1+8]
                ldxw %r5, [%r1+32]
                mov %r4, %r2
                add %r4, 10
                jset %r5, 1, cmp
                add %r4, 4
                cmp:
                jgt %r4, %r3, yes
                mov %r0, 0
                exit
                yes:
                mov %r0, 1
                exit
                """;
        Verifier.Result v = Verifier.verify(Assembler.assemble(asm), Hook.SOCKET, List.of());
        assertEquals(Facts.VARIES, v.facts().cmpSide[7]);
        PolicyJit.Program c = PolicyJit.compile(v, new PolicyAccess.Table(v.maps(), () -> 0), "two");
        for (Packet p : datagrams()) {
            PolicyInput in = PolicyInput.of(p, 4);
            int k = (in.flowHash() & 1) != 0 ? 10 : 14, length = UDP_HEADER + p.payloadLength;
            int want = k > length ? MatchingPolicy.PASS : MatchingPolicy.DROP;
            int[] got = run(v, c, in);
            assertEquals(want, got[0], "compiled, k=" + k + ", length " + length);
            assertEquals(want, got[1], "interpreted, k=" + k + ", length " + length);
        }
    }
}
