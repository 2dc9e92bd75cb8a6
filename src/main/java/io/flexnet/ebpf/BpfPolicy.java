package io.flexnet.ebpf;

import io.flexnet.policy.MapSpec;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyInput;
import io.flexnet.runtime.RealRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * An untrusted matching policy: an eBPF object file (C compiled by {@code clang -O2 -g -target bpf}),
 * loaded, verified and compiled to JVM bytecode, deployed at a hook exactly as a Java policy is.
 * A tenant hands the stack a {@code .o} file instead of a jar; the verifier makes sure it cannot hang
 * a worker, read outside its input or touch another tenant's maps.
 *
 * <pre>{@code
 * // Syrup's Figure 5d as C: SEC("sk_reuseport") int sita(struct sk_reuseport_md *md) { ... }
 * Tenant kv = tenants.register("kv", 9000);
 * kv.deploy(tenants.hook("sockets", HookKind.SOCKET), BpfPolicy.load(Path.of("sita.o")));
 * }</pre>
 *
 * The program's section names its hook ({@link Hook}): {@code sk_reuseport} for a socket in a port
 * group, {@code xdp} for the NIC receive queue, {@code flexnet/queue} for a {@code queue()} point. Its
 * maps ({@code .maps} arrays and hashes with 4-byte keys and 8-byte values) are the tenant's maps under
 * the same names, so the application and Java policies share them unchanged; the executor maps
 * ({@code REUSEPORT_SOCKARRAY}, {@code XSKMAP}) stand for the hook's choices. Its global data
 * ({@code .bss}, {@code .data}, {@code .rodata}) is this policy object's own memory, as a Java
 * policy's fields are: deploy one {@code BpfPolicy} twice and both deployments share it.
 */
public final class BpfPolicy implements MatchingPolicy {
    private final String name;
    private final Hook hook;
    private final List<MapSpec> maps;
    private final Verifier.Result verified;
    private final PolicyJit.Program compiled;
    private final Interpreter interpreter;
    private final ThreadLocal<PolicyMachine> machines;
    private final long loadNanos;

    private BpfPolicy(String name, Verifier.Result v, List<MapSpec> maps, boolean interpret, LongSupplier clock, long t0) {
        this.name = name;
        this.hook = v.hook();
        this.maps = List.copyOf(maps);
        this.verified = v;
        PolicyAccess.Table table = new PolicyAccess.Table(v.maps(), clock);
        if (interpret) {
            this.compiled = null;
            this.interpreter = new Interpreter(v.insns(), v.processed() + 1);
            this.machines = ThreadLocal.withInitial(() -> new PolicyMachine(hook, v.maps(), table, clock));
        } else {
            this.compiled = PolicyJit.compile(v, table, name);
            this.interpreter = null;
            this.machines = null;
        }
        this.loadNanos = RealRuntime.INSTANCE.nanoTime() - t0;
    }

    /** Loads, verifies and compiles the object's one program; throws {@link Refusal} when the verifier refuses it. */
    public static BpfPolicy load(Path file) throws BpfLoadException { return load(file, false, RealRuntime.INSTANCE::nanoTime); }

    /**
     * As {@link #load(Path)}; {@code interpret} runs it in the interpreter instead of compiling it (to
     * compare), and {@code clock} is what {@code bpf_ktime_get_ns} reads (the runtime's clock).
     */
    public static BpfPolicy load(Path file, boolean interpret, LongSupplier clock) throws BpfLoadException {
        long t0 = RealRuntime.INSTANCE.nanoTime();  // how long loading takes, reported; real time by nature
        BpfObject o = BpfObject.load(file);
        BpfObject.Program p = null;
        Hook hook = null;
        for (BpfObject.Program c : o.programs()) {
            Hook h = Hook.forSection(c.section());
            if (h == null) continue;
            if (p != null) throw new BpfLoadException(file + ": more than one program for a hook (" + p.section() + ", " + c.section() + ")");
            p = c;
            hook = h;
        }
        if (p == null) {
            throw new BpfLoadException(file + ": no program in a hook's section (sk_reuseport, xdp, flexnet/queue); sections: "
                    + o.programs().stream().map(BpfObject.Program::section).toList());
        }
        List<MapSpec> specs = new ArrayList<>();
        for (MapDef d : o.maps()) {
            if (d.executors() || d.global()) continue;
            specs.add(spec(d));
        }
        Verifier.Result v = Verifier.verify(p.insns(), hook, o.maps());
        return new BpfPolicy(p.name(), v, specs, interpret, clock, t0);
    }

    private static MapSpec spec(MapDef d) throws BpfLoadException {
        if (d.keySize() != 4 || d.valueSize() != 8) {
            throw new BpfLoadException("map " + d.name() + ": key " + d.keySize() + " B, value " + d.valueSize()
                    + " B; FlexNet maps have u32 keys and u64 values");
        }
        return switch (d.type()) {
            case MapDef.ARRAY -> MapSpec.direct(trim(d.name()), d.maxEntries());
            case MapDef.HASH -> MapSpec.hashed(trim(d.name()), d.maxEntries());
            default -> throw new BpfLoadException("map " + d.name() + ": map type " + d.typeName() + " is not supported");
        };
    }

    private static String trim(String n) { return n.length() > MapSpec.MAX_NAME ? n.substring(0, MapSpec.MAX_NAME) : n; }

    @Override
    public int schedule(PolicyInput in) {
        final PolicyJit.Program c = compiled;
        if (c != null) return c.run(in);
        return interpretSlow(in);
    }

    private int interpretSlow(PolicyInput in) {
        PolicyMachine m = machines.get();
        m.bind(in);
        long r0 = interpreter.run(m, Addr.of(Addr.CTX, 0), 0);
        return PolicyAccess.answer(hook.ordinal(), r0, m.selected);
    }

    @Override public List<MapSpec> maps() { return maps; }

    @Override public String name() { return name; }

    public Hook hook() { return hook; }

    /** The verifier's log of this program. */
    public String verifierLog() { return verified.log(); }

    /** Nanoseconds from reading the file to a runnable policy: load, verify and compile. */
    public long loadNanos() { return loadNanos; }

    /** Whether it runs compiled (true) or in the interpreter. */
    public boolean compiled() { return compiled != null; }
}
