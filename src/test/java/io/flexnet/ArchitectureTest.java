package io.flexnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The main code keeps DESIGN.md §5's shape: package dependencies go one way, down the layers, with no
 * cycle; every package says in its package-info what it holds; and only {@code io.flexnet.runtime}
 * reads a clock, sleeps, parks or spins, so a simulated runtime can drive everything else.
 */
class ArchitectureTest {
    /**
     * DESIGN.md §5's layering, lowest tier first. A package may depend on packages of its own tier or
     * of a lower one, never of a higher one. runtime is lowest and depends on nothing of ours; nic
     * stands on packet alone; serve is an application over the engine, as workload is; bench's rigs
     * sit where experiments do, above the workload that writes their frames.
     */
    static final List<Set<String>> TIERS = List.of(
            Set.of("packet", "runtime", "runtime.sim"),
            Set.of("proto", "proto.tcp", "proto.tcp.cc", "nic"),
            Set.of("pipeline"),
            Set.of("sched", "sched.affinity", "policy", "socket", "ebpf", "interpose"),
            Set.of("engine"),
            Set.of("workload", "serve", "app", "netty"),
            Set.of("experiment", "bench"),
            Set.of("cli"));

    /**
     * What each main package may use of the others: the dependencies it has, each one allowed by
     * {@link #TIERS}. A new dependency is added here on purpose, and only if the tiers allow it. The
     * edges within a tier are socket → policy (a port group asks the socket-choice hook) and ebpf →
     * policy (an eBPF program becomes a matching policy), serve → app and serve → netty (app-bench serves the applications and Netty's hello world), and
     * interpose → socket (the owner table admits sockets to ports).
     */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("packet", Set.of()),
            Map.entry("runtime", Set.of()),
            Map.entry("runtime.sim", Set.of("runtime")),
            Map.entry("proto", Set.of("packet", "runtime")),
            Map.entry("proto.tcp", Set.of("packet", "runtime", "proto", "proto.tcp.cc")),
            Map.entry("proto.tcp.cc", Set.of()),
            Map.entry("nic", Set.of("packet", "runtime")),
            Map.entry("pipeline", Set.of("packet", "proto")),
            Map.entry("sched", Set.of("packet", "runtime", "proto", "nic", "pipeline")),
            Map.entry("sched.affinity", Set.of("runtime")),
            Map.entry("policy", Set.of("packet", "runtime", "nic", "pipeline")),
            Map.entry("socket", Set.of("packet", "runtime", "proto", "proto.tcp", "pipeline", "policy")),
            // DESIGN.md puts ebpf low; its loader, verifier, interpreter and JIT use nothing above
            // runtime, but the policy it makes (BpfPolicy) is a MatchingPolicy over the tenants' maps.
            Map.entry("ebpf", Set.of("runtime", "policy")),
            Map.entry("interpose", Set.of("packet", "proto", "nic", "pipeline", "socket")),  // the owner table admits sockets
            // engine → proto.tcp: the engine attaches TCP to every stack it makes and drives its timers.
            Map.entry("engine", Set.of("packet", "runtime", "runtime.sim", "proto", "proto.tcp", "nic", "pipeline", "sched")),
            // workload → proto.tcp: over TCP the generator is a client stack of ours, and the request
            // server reads a connection's frames.
            Map.entry("workload", Set.of("packet", "runtime", "proto", "proto.tcp", "nic", "pipeline", "policy")),
            Map.entry("serve", Set.of("packet", "runtime", "proto", "proto.tcp", "nic", "pipeline", "sched", "socket",
                    "interpose", "engine", "app", "netty")),  // app-bench serves the applications and Netty's, one tier, no cycle
            // app: the applications serve on the stack's stream sockets, an engine's TCP (DESIGN.md §5).
            // app → sched, pipeline: a server may run to completion as an executor of a stack worker.
            Map.entry("app", Set.of("packet", "runtime", "proto", "proto.tcp", "socket", "engine", "sched", "pipeline")),
            Map.entry("netty", Set.of("runtime", "proto.tcp", "socket")),  // Netty 4.2 event loop over the stack's poller
            // experiment → proto.tcp: over TCP a design listens on the engine's TCP (its sockets, its listeners).
            Map.entry("experiment", Set.of("ebpf", "interpose", "packet", "runtime", "runtime.sim", "proto", "proto.tcp", "nic", "pipeline", "sched", "policy",
                    "socket", "engine", "workload")),
            Map.entry("bench", Set.of("packet", "runtime", "proto", "pipeline", "sched", "sched.affinity",
                    "workload")),
            // cli → pipeline: serve's --filter hands the filter's hooks (pipeline.Interposer) to the echo server.
            // cli → proto.tcp: serve's --filter gives `reject with tcp reset` the stack's TCP (Tcp::resetFor).
            Map.entry("cli", Set.of("ebpf", "interpose", "pipeline", "packet", "runtime", "proto", "proto.tcp", "nic", "workload", "serve", "app", "experiment",
                    "bench")));

    /**
     * Files outside io.flexnet.runtime that read a clock, sleep, park or spin today, with how many
     * times: a ratchet. A file not listed may not start, a listed one may not do it more, and when a
     * file does it less the count here must come down with it (to nothing: remove the entry), so the
     * list only shrinks as time and idling move behind {@code StackRuntime} and the round's context.
     */
    static final Map<String, Integer> KNOWN_CLOCK_READS = knownClockReads();

    private static Map<String, Integer> knownClockReads() {
        Map<String, Integer> m = new LinkedHashMap<>();
        // Measurement rigs: they time themselves (and the clock's own cost) and spin for the worker.
        m.put("io/flexnet/bench/HandoffRig.java", 6);
        m.put("io/flexnet/bench/PipelineBenchmark.java", 2);
        m.put("io/flexnet/nic/EpochClock.java", 3);                 // capture timestamps since the epoch
        // A separate client program that times round trips.
        m.put("io/flexnet/serve/EchoClient.java", 4);
        m.put("io/flexnet/serve/KernelEcho.java", 1);               // a separate program: serves N seconds
        return m;
    }

    /** A reference to a class of ours: its package, then a type name (capitalised) or {@code *}. */
    private static final Pattern REFERENCE =
            Pattern.compile("\\bio\\.flexnet\\.((?:[a-z_]\\w*\\.)*?[a-z_]\\w*)\\.([A-Z]\\w*|\\*)");

    /** Reading a clock, sleeping, parking or spinning, called or passed as a method reference. */
    private static final Pattern CLOCK = Pattern.compile("\\b(?:System\\s*(?:\\.|::)\\s*(?:nanoTime|currentTimeMillis)"
            + "|Thread\\s*(?:\\.|::)\\s*(?:sleep|onSpinWait|yield)|Instant\\s*(?:\\.|::)\\s*now|LockSupport)\\b");

    private static final List<MainSource> SOURCES = MainSource.all();

    @Test
    void everyPackageSaysWhatItHoldsAndHasItsPlace() {
        List<String> problems = new ArrayList<>();
        Set<String> parts = new TreeSet<>();
        Set<String> described = new TreeSet<>();
        for (MainSource s : SOURCES) {
            parts.add(s.part());
            if (s.isPackageInfo()) described.add(s.part());
        }
        for (String p : parts) {
            if (!described.contains(p)) problems.add(p + ": no package-info.java saying what it holds and may use");
            if (!ALLOWED.containsKey(p)) problems.add(p + ": not in ALLOWED; give it a tier in TIERS and its dependencies");
        }
        for (String p : ALLOWED.keySet()) {
            if (!parts.contains(p)) problems.add(p + " is in ALLOWED but has no sources: remove it");
        }
        assertNoProblems(problems);
    }

    @Test
    void theAllowedTableFollowsTheTiers() {
        List<String> problems = new ArrayList<>();
        ALLOWED.forEach((from, tos) -> {
            for (String to : tos) {
                if (tier(to) > tier(from)) {
                    problems.add(from + " → " + to + " in ALLOWED goes up the layers (" + from + " is tier "
                            + tier(from) + ", " + to + " tier " + tier(to) + ")");
                }
            }
        });
        List<String> cycle = cycle(ALLOWED);
        if (!cycle.isEmpty()) problems.add("ALLOWED has a cycle: " + String.join(" → ", cycle));
        assertNoProblems(problems);
    }

    @Test
    void dependenciesAreAllowed() {
        List<String> problems = new ArrayList<>();
        for (MainSource s : SOURCES) {
            Set<String> allowed = ALLOWED.getOrDefault(s.part(), Set.of());
            Matcher m = REFERENCE.matcher(s.code());
            while (m.find()) {
                String to = m.group(1);
                if (to.equals(s.part()) || allowed.contains(to)) continue;
                problems.add(s.path() + ":" + s.lineOf(m.start()) + " uses io.flexnet." + to + "." + m.group(2)
                        + ", but " + s.part() + " may not depend on " + to
                        + " (ArchitectureTest.ALLOWED; DESIGN.md §5)");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void packagesDependOnEachOtherWithoutACycle() {
        Map<String, Set<String>> edges = new TreeMap<>();
        Map<String, String> example = new TreeMap<>();
        for (MainSource s : SOURCES) {
            Matcher m = REFERENCE.matcher(s.code());
            while (m.find()) {
                String to = m.group(1);
                if (to.equals(s.part())) continue;
                edges.computeIfAbsent(s.part(), k -> new TreeSet<>()).add(to);
                example.putIfAbsent(s.part() + " → " + to, s.path() + ":" + s.lineOf(m.start()));
            }
        }
        List<String> cycle = cycle(edges);
        if (cycle.isEmpty()) return;
        List<String> steps = new ArrayList<>();
        for (int i = 0; i + 1 < cycle.size(); i++) {
            String edge = cycle.get(i) + " → " + cycle.get(i + 1);
            steps.add(edge + " (" + example.get(edge) + ")");
        }
        fail("package cycle:\n  " + String.join("\n  ", steps));
    }

    @Test
    void onlyTheRuntimeReadsClocksSleepsParksOrSpins() {
        Map<String, List<Integer>> found = new TreeMap<>();
        for (MainSource s : SOURCES) {
            if (s.pkg().equals("io.flexnet.runtime") || s.pkg().startsWith("io.flexnet.runtime.")) continue;
            String code = s.codeWithoutTypeImports();
            Matcher m = CLOCK.matcher(code);
            while (m.find()) found.computeIfAbsent(s.path(), k -> new ArrayList<>()).add(s.lineOf(m.start()));
        }
        List<String> problems = new ArrayList<>();
        found.forEach((path, lines) -> {
            Integer known = KNOWN_CLOCK_READS.get(path);
            if (known == null) {
                problems.add(path + " reads a clock, sleeps, parks or spins outside io.flexnet.runtime (lines "
                        + lines + "): take the time from the round's context or the StackRuntime");
            } else if (lines.size() > known) {
                problems.add(path + " reads a clock, sleeps, parks or spins " + lines.size() + " times (lines "
                        + lines + "), KNOWN_CLOCK_READS allows " + known + ": take the new ones from the runtime");
            } else if (lines.size() < known) {
                problems.add(path + " now reads a clock, sleeps, parks or spins " + lines.size()
                        + " times: lower its count in KNOWN_CLOCK_READS from " + known + " to " + lines.size());
            }
        });
        for (String path : KNOWN_CLOCK_READS.keySet()) {
            if (!found.containsKey(path)) {
                problems.add(path + " no longer reads a clock, sleeps, parks or spins: remove " + path
                        + " from KNOWN_CLOCK_READS");
            }
        }
        assertNoProblems(problems);
    }

    /** The scanner sees through comments and literals, and finds every form of reference. */
    @Test
    void theScannerIgnoresCommentsAndLiteralsButNotCode() {
        String code = MainSource.blankCommentsAndLiterals("""
                // System.nanoTime() io.flexnet.cli.Main
                /* Thread.sleep(1) */ String s = "LockSupport \\" io.flexnet.cli.Main"; char q = '"';
                long t = System.nanoTime(); LongSupplier c = System::nanoTime;
                io.flexnet.sched.affinity.LinuxAffinity.orUnpinned();
                """);
        Matcher clock = CLOCK.matcher(code);
        int clocks = 0;
        while (clock.find()) clocks++;
        assertEquals(2, clocks, code);
        Matcher ref = REFERENCE.matcher(code);
        assertTrue(ref.find(), code);
        assertEquals("sched.affinity", ref.group(1));
        assertTrue(!ref.find(), code);
    }

    private static int tier(String part) {
        for (int t = 0; t < TIERS.size(); t++) if (TIERS.get(t).contains(part)) return t;
        throw new AssertionError(part + " has no tier in TIERS");
    }

    /** A cycle in the graph as its packages in order, the first repeated at the end; empty if none. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>();  // 1: on the current path, 2: done
        List<String> path = new ArrayList<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> c = visit(start, graph, state, path);
            if (!c.isEmpty()) return c;
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
                                      List<String> path) {
        Integer st = state.get(node);
        if (st != null && st == 2) return List.of();
        if (st != null && st == 1) {
            List<String> c = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            c.add(node);
            return c;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> c = visit(next, graph, state, path);
            if (!c.isEmpty()) return c;
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) fail(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }
}
