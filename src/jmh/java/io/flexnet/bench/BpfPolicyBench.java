package io.flexnet.bench;

import io.flexnet.ebpf.BpfPolicy;
import io.flexnet.ebpf.Hook;
import io.flexnet.ebpf.Insn;
import io.flexnet.ebpf.Verifier;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.RequestHeader;
import io.flexnet.policy.RoundRobinPolicy;
import io.flexnet.policy.ScanAvoid;
import io.flexnet.policy.Sita;
import io.flexnet.policy.Tenants;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * eBPF policies against their Java twins at the socket hook, in the same run (budget: JIT ≤ 1.3× the
 * Java policy), with the interpreter's figure beside them; and what loading costs: load + verify +
 * compile of each Syrup policy, and the verifier alone on a 4,096-instruction program.
 * The objects come from {@code target/bpf} (the build compiles them; system property
 * {@code flexnet.bpf} to look elsewhere). Run: {@code ./flexnet jmh BpfPolicyBench -f 1 -wi 3 -w 1 -i 5 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BpfPolicyBench {
    private PacketPool pool;
    private Tenants tenants;
    private PolicyHook sockets;
    private Packet rrJava, rrJit, rrInterpreted, sitaJava, sitaJit, sitaInterpreted, scanAvoidJava, scanAvoidJit;
    private Insn[] big;

    static Path object(String name) { return Path.of(System.getProperty("flexnet.bpf", "target/bpf"), name + ".o"); }

    @Setup
    public void setup() throws Exception {
        pool = new PacketPool(16);
        tenants = new Tenants();
        sockets = tenants.hook("sockets", HookKind.SOCKET);
        rrJava = deploy(9000, new RoundRobinPolicy());
        rrJit = deploy(9001, BpfPolicy.load(object("round_robin")));
        rrInterpreted = deploy(9002, BpfPolicy.load(object("round_robin"), true, System::nanoTime));
        sitaJava = deploy(9003, new Sita());
        sitaJit = deploy(9004, BpfPolicy.load(object("sita")));
        sitaInterpreted = deploy(9005, BpfPolicy.load(object("sita"), true, System::nanoTime));
        scanAvoidJava = deploy(9006, new ScanAvoid());
        scanAvoidJit = deploy(9007, BpfPolicy.load(object("scan_avoid")));
        big = bigProgram(4096);
        Verifier.verify(big, Hook.QUEUE, List.of());
    }

    @TearDown
    public void tearDown() { tenants.close(); }

    private Packet deploy(int port, MatchingPolicy policy) {
        tenants.register("t" + port, port).deploy(sockets, policy);
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + RequestHeader.LENGTH + 47);
        b.putShort((short) 0x0200).putInt(1).putShort((short) 0x0200).putInt(2).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (b.capacity() - 14)).putInt(0x12344000);
        b.put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0xC6120002).putInt(0xC6120001);
        b.putShort((short) 40000).putShort((short) port).putShort((short) (b.capacity() - 34)).putShort((short) 0);
        b.putLong(1).put((byte) RequestHeader.GET).putInt(5).putInt(1);
        byte[] f = b.array();
        Packet p = pool.allocate(f, 0, f.length);
        p.srcIp = 0xC6120002;
        p.dstIp = 0xC6120001;
        p.srcPort = 40000;
        p.dstPort = port;
        p.protocol = 17;
        p.payloadOffset = p.offset + 42;
        p.payloadLength = p.length - 42;
        return p;
    }

    /**
     * {@code n} slots of blocks that branch on an unknown number and join again, so the walk must
     * prune to stay linear: the shape of a long, branchy, loop-free policy.
     */
    static Insn[] bigProgram(int n) {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn(0x61, 2, 1, 8, 0, 0));        // r2 = ctx->len (unknown)
        p.add(new Insn(0xb7, 0, 0, 0, 0, 0));        // r0 = 0
        while (p.size() + 8 <= n - 1) {
            p.add(new Insn(0xbf, 3, 2, 0, 0, 0));    // r3 = r2
            p.add(new Insn(0x25, 3, 0, 1, 100, 0));  // if r3 > 100 goto +1
            p.add(new Insn(0xb7, 3, 0, 0, 5, 0));    // r3 = 5
            p.add(new Insn(0xb7, 3, 0, 0, 0, 0));    // r3 = 0
            p.add(new Insn(0x07, 0, 0, 0, 1, 0));    // r0 += 1
            p.add(new Insn(0xa7, 0, 0, 0, 3, 0));    // r0 ^= 3
            p.add(new Insn(0x57, 0, 0, 0, 0xffff, 0)); // r0 &= 0xffff
            p.add(new Insn(0xbf, 6, 0, 0, 0, 0));    // r6 = r0
        }
        while (p.size() < n - 1) p.add(new Insn(0x07, 0, 0, 0, 1, 0));
        p.add(new Insn(0x95, 0, 0, 0, 0, 0));
        return p.toArray(Insn[]::new);
    }

    @Benchmark public int rrJava() { return sockets.choose(rrJava, 4); }
    @Benchmark public int rrJit() { return sockets.choose(rrJit, 4); }
    @Benchmark public int rrInterpreted() { return sockets.choose(rrInterpreted, 4); }
    @Benchmark public int sitaJava() { return sockets.choose(sitaJava, 4); }
    @Benchmark public int sitaJit() { return sockets.choose(sitaJit, 4); }
    @Benchmark public int sitaInterpreted() { return sockets.choose(sitaInterpreted, 4); }
    /** A policy that reads a map per choice (every socket idle: one lookup and one read). */
    @Benchmark public int scanAvoidJava() { return sockets.choose(scanAvoidJava, 4); }
    @Benchmark public int scanAvoidJit() { return sockets.choose(scanAvoidJit, 4); }

    /** Load + verify + compile, in microseconds. */
    @Benchmark @OutputTimeUnit(TimeUnit.MICROSECONDS) public Object loadRoundRobin() throws Exception { return BpfPolicy.load(object("round_robin")); }
    @Benchmark @OutputTimeUnit(TimeUnit.MICROSECONDS) public Object loadScanAvoid() throws Exception { return BpfPolicy.load(object("scan_avoid")); }
    @Benchmark @OutputTimeUnit(TimeUnit.MICROSECONDS) public Object loadSita() throws Exception { return BpfPolicy.load(object("sita")); }
    @Benchmark @OutputTimeUnit(TimeUnit.MICROSECONDS) public Object loadTokenBased() throws Exception { return BpfPolicy.load(object("token_based")); }

    /** The verifier alone on 4,096 instructions. */
    @Benchmark @OutputTimeUnit(TimeUnit.MICROSECONDS) public Object verify4096() throws Exception { return Verifier.verify(big, Hook.QUEUE, List.of()); }
}
