package io.flexnet.cli;

import io.flexnet.ebpf.BpfLoadException;
import io.flexnet.ebpf.BpfObject;
import io.flexnet.ebpf.Conformance;
import io.flexnet.ebpf.Disassembler;
import io.flexnet.ebpf.Hook;
import io.flexnet.ebpf.MapDef;
import io.flexnet.ebpf.Refusal;
import io.flexnet.ebpf.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flexnet policy check|dump|conformance}: the eBPF policy tools. */
@Command(name = "policy", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = "Verify, disassemble and test eBPF policies (objects from clang -O2 -g -target bpf).",
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Dump.class, PolicyCommand.ConformanceRun.class})
public final class PolicyCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    /** The object in {@code file}, or null after saying why the loader refused it. */
    private static BpfObject load(Path file) {
        try {
            return BpfObject.load(file);
        } catch (BpfLoadException e) {
            System.out.println(file + ": refused: " + e.getMessage());
            return null;
        }
    }

    /** Prints the verdict and the verifier's log; exit status 0 only when every program is accepted. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Load and verify FILE.o; print the verdict and the verifier's log.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.o") Path file;

        @Override
        public Integer call() {
            BpfObject o = load(file);
            if (o == null) return 1;
            boolean ok = true;
            int checked = 0;
            for (BpfObject.Program p : o.programs()) {
                Hook h = Hook.forSection(p.section());
                if (h == null) {
                    System.out.println(p.name() + " (section " + p.section() + "): no FlexNet hook has this section; not checked");
                    continue;
                }
                checked++;
                try {
                    Verifier.Result r = Verifier.verify(p.insns(), h, o.maps());
                    System.out.println(p.name() + " (section " + p.section() + ", hook " + h + "): accepted");
                    System.out.print(r.log());
                } catch (Refusal r) {
                    ok = false;
                    System.out.println(p.name() + " (section " + p.section() + ", hook " + h + "): refused");
                    System.out.print(r.log());
                }
            }
            if (checked == 0) {
                System.out.println(file + ": refused: no program in a hook's section (sk_reuseport, xdp, flexnet/queue)");
                return 1;
            }
            return ok ? 0 : 1;
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true, description = "Disassemble FILE.o: its maps and every program.")
    static final class Dump implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.o") Path file;

        @Override
        public Integer call() {
            BpfObject o = load(file);
            if (o == null) return 1;
            List<MapDef> maps = o.maps();
            for (int i = 0; i < maps.size(); i++) System.out.println("map[" + i + "] " + maps.get(i));
            for (BpfObject.Program p : o.programs()) {
                System.out.println();
                System.out.println(p.name() + " (section " + p.section() + "), " + p.insns().length + " slots:");
                System.out.print(Disassembler.program(p.insns()));
            }
            return 0;
        }
    }

    @Command(name = "conformance", mixinStandardHelpOptions = true, description = "Run every bpf_conformance file in DIR through the interpreter and the JIT.")
    static final class ConformanceRun implements Callable<Integer> {
        @Parameters(paramLabel = "DIR") Path dir;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) {
                System.out.println(dir + ": not a directory");
                return 2;
            }
            List<Conformance.Outcome> all = Conformance.runAll(dir, Conformance.Engine.INTERPRETER, Conformance.Engine.JIT);
            long failed = 0;
            for (Conformance.Outcome o : all) {
                if (o.passed()) continue;
                failed++;
                System.out.println("FAIL " + o.engine().name().toLowerCase() + " " + o.name() + ": " + o.detail());
            }
            System.out.println((all.size() - failed) + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }
    }
}
