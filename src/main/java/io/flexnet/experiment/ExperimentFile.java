// Reads an experiment file (YAML) and checks all of it, refusing a bad one with every problem's line and reason.
package io.flexnet.experiment;

import io.flexnet.experiment.ExperimentFileException.Problem;
import io.flexnet.workload.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The experiment file format, checked as a whole before anything runs: unknown keys, missing ones,
 * malformed values, unknown designs and bad design parameters are all reported together, each with
 * its line. The format (durations as {@code 10us}, {@code 500ms}, {@code 2s}):
 *
 * <pre>
 * name: default                      # letters, digits, '.', '_', '-' (not . or ..): names the output directory
 * description: what it shows         # optional
 * workload:
 *   arrivals: poisson                # poisson (default) or uniform
 *   flows: 50                        # distinct five-tuples (client ports), default 1
 *   seed: 1                          # fixes the request sequence, default 1
 *   keys: 100000                     # keys requests spread over, default 100000
 *   generator: hybrid                # hybrid (park between sparse sends, default) or spin
 *   transport: udp                   # udp (a datagram per request, default) or tcp (persistent
 *                                    # connections, a connection per flow and port, framed requests)
 *   classes:                         # at least one
 *     - name: lc                     # required
 *       port: 9000                   # required
 *       share: 0.9                   # weight among classes, default 1
 *       mix: {GET: 1}                # weights by type GET, SCAN, PUT; default all GET
 *       payload: 64                  # request bytes, default 21 (the request alone); at most 1472
 *                                    # over UDP (one datagram), 1 MiB over TCP (a frame of many segments)
 *   service:                         # service time per request type sent
 *     GET: uniform 10us 12us         # fixed T | uniform LO HI | exponential MEAN | bimodal P% SHORT LONG
 *     SCAN: fixed 700us
 * loads: [10000, 20000]              # requests per second, all classes together
 * warmup: 500ms                      # default 500ms, at most 600s
 * duration: 2s                       # measured time per run, default 2s, at most 3600s
 * repetitions: 1                     # default 1, at most 100
 * designs:                           # at least one
 *   - name: rtc                      # required, unique
 *     builtin: run-to-completion     # or  class: com.example.MyDesign
 *     params: {cores: 1}             # the design's own parameters
 *     classes: [lc]                  # offer only these classes (their share of each load), default all
 *     shares: {lc: 0.2, bulk: 0.8}   # this design's own class shares (each load split anew), default the file's
 * report:                            # optional
 *   baseline: alone                  # adds p99 inflation of 'class' against this design at each load
 *   class: lc
 * runtime:                           # optional
 *   kind: simulated                  # real (default: wall clock, this machine) or simulated (virtual time)
 *   cores: 6                         # virtual cores, default 6, at most 256 (simulated only)
 *   cost: {wake: 5us, slice: 3ms}    # the cost model's overrides: durations, layers-per-item a count
 * </pre>
 *
 * <p>Limits, each refused with a message rather than run: a file is UTF-8 text of at most
 * {@link #MAX_BYTES} (1 MiB; a larger one is not read), lists and mappings nest at most
 * {@link #MAX_DEPTH} (64) deep, with at most {@link #MAX_ALIASES} (50) aliases to them; warm-up at most
 * 10 minutes, duration 1 hour, repetitions 100, each service time 10 s; and designs × loads ×
 * repetitions runs may plan at most {@link Experiment#MAX_PLANNED_NANOS} (7 days). The name may not be
 * {@code .} or {@code ..}. Parsing takes time linear in the file's size, however long its lines.
 */
public final class ExperimentFile extends CheckedYaml {
    /** Files larger than this (1 MiB) are refused unread: the largest example is under 2 kB. */
    public static final int MAX_BYTES = 1 << 20;
    /** Lists and mappings nested deeper than this are refused; the format itself needs five levels. */
    public static final int MAX_DEPTH = 64;
    /** Aliases ({@code *name}) to lists and mappings allowed per file: enough to share a block, too few for a bomb. */
    public static final int MAX_ALIASES = 50;
    /** Longest warm-up per run: 10 minutes. */
    public static final long MAX_WARMUP_NANOS = 600_000_000_000L;
    /** Longest measured time per run: 1 hour. */
    public static final long MAX_DURATION_NANOS = 3_600_000_000_000L;
    /** Most repetitions of each run. */
    public static final int MAX_REPETITIONS = 100;
    /** Longest service time a request class may ask for: 10 s, above a thousand times the examples' longest. */
    public static final long MAX_SERVICE_NANOS = 10_000_000_000L;
    private static final String TOO_BIG = "is larger than 1 MiB, the most an experiment file may be";

    private static final Set<String> TOP = Set.of("name", "description", "workload", "loads", "warmup", "duration",
            "repetitions", "designs", "report", "runtime");
    private static final Set<String> RUNTIME = Set.of("kind", "cores", "cost");
    private static final Set<String> DESIGN = Set.of("name", "builtin", "class", "params", "classes", "shares");
    private static final Set<String> REPORT = Set.of("baseline", "class");

    private final String source;
    /** Every design name given, refused designs included, so references to them raise no second problem. */
    private final Set<String> designNames = new HashSet<>();

    private ExperimentFile(String source) {
        super(new ArrayList<>());
        this.source = source;
    }

    /**
     * Reads and checks {@code file}. Whatever is wrong with it, from a missing file, a directory, a file
     * over {@link #MAX_BYTES} (refused unread) or one that is not UTF-8 text to a bad value, comes back
     * as an {@link ExperimentFileException} naming the file and, where there is one, the line.
     */
    public static Experiment load(Path file) throws ExperimentFileException {
        String source = file.toString();
        if (Files.isDirectory(file)) throw refused(source, 0, "is a directory; give an experiment file (YAML)");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Bounded even where the size lies (a pipe, /dev/zero): one byte past the limit says "too big".
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw refused(source, 0, "no such file");
        } catch (AccessDeniedException e) {
            throw refused(source, 0, "cannot read it: permission denied");
        } catch (IOException e) {
            throw refused(source, 0, "cannot read it: "
                    + (e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage()));
        }
        if (bytes.length > MAX_BYTES) throw refused(source, 0, TOO_BIG);
        return parse(source, text(source, bytes));
    }

    /** UTF-8 text, or a refusal naming the line of the first NUL byte (binary) or undecodable byte. */
    private static String text(String source, byte[] b) throws ExperimentFileException {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                throw refused(source, lineOf(b, i), "a binary file, not YAML text (a NUL byte at column " + columnOf(b, i) + ")");
            }
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length);
        CoderResult r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            throw refused(source, lineOf(b, at), String.format(Locale.ROOT,
                    "not UTF-8 text: byte 0x%02X at column %d (save the file as UTF-8)", b[at] & 0xFF, columnOf(b, at)));
        }
        return out.flip().toString();
    }

    private static int lineOf(byte[] b, int at) {
        int line = 1;
        for (int i = 0; i < at; i++) if (b[i] == '\n') line++;
        return line;
    }

    /** 1-based column in characters: bytes that start a UTF-8 sequence since the line began. */
    private static int columnOf(byte[] b, int at) {
        int col = 1;
        for (int i = at - 1; i >= 0 && b[i] != '\n'; i--) if ((b[i] & 0xC0) != 0x80) col++;
        return col;
    }

    private static ExperimentFileException refused(String source, int line, String message) {
        return new ExperimentFileException(source, List.of(new Problem(line, 0, message)));
    }

    /** Parses and checks {@code text}; {@code source} names it in messages. */
    public static Experiment parse(String source, String text) throws ExperimentFileException {
        if (text.length() > MAX_BYTES) throw refused(source, 0, TOO_BIG);
        ExperimentFile f = new ExperimentFile(source);
        Experiment e = f.read(text);
        if (!f.problems.isEmpty()) {
            f.problems.sort((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line()) : Integer.compare(a.column(), b.column()));
            throw new ExperimentFileException(source, f.problems);
        }
        return e;
    }

    /**
     * The YAML reader's settings for a text of {@code length} characters. The reader copies its unread
     * window each time it reads a buffer, so a token longer than the buffer costs its length squared over
     * the buffer size; one buffer for the whole (bounded) text keeps reading linear.
     */
    static LoadSettings settings(String source, int length) {
        return LoadSettings.builder().setLabel(source)
                .setCodePointLimit(MAX_BYTES)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setBufferSize(length + 1)
                .build();
    }

    private Experiment read(String text) {
        LoadSettings settings = settings(source, text.length());
        Optional<Node> root;
        try {
            // The composer recurses once per level and would overflow the stack on deep nesting; the
            // parser does not, so a first pass over its events refuses a file nested too deep.
            int depth = 0;
            for (Event e : new Parse(settings).parseString(text)) {
                if (e instanceof CollectionStartEvent && ++depth > MAX_DEPTH) {
                    problems.add(new Problem(e.getStartMark().map(m -> m.getLine() + 1).orElse(0), 0,
                            "lists and mappings nested deeper than " + MAX_DEPTH + " levels"));
                    return null;
                }
                if (e instanceof CollectionEndEvent) depth--;
            }
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            problems.add(new Problem(m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1,
                    "not valid YAML: " + oneLine(e.getProblem())));
            return null;
        } catch (ReaderException e) {
            int[] at = lineAndColumn(text, e.getPosition());
            problems.add(new Problem(at[0], at[1], String.format(Locale.ROOT,
                    "not valid YAML: control character 0x%02X at column %d (only tabs and line breaks are allowed)",
                    e.getCodePoint(), at[1])));
            return null;
        } catch (YamlEngineException e) {
            problems.add(new Problem(0, 0, "not valid YAML: " + oneLine(e.getMessage())));
            return null;
        }
        if (root.isEmpty()) {
            problems.add(new Problem(1, 0, "the file is empty: an experiment needs name, workload, loads and designs"));
            return null;
        }
        YamlNode top = new YamlNode(root.get());
        if (!top.isMap()) {
            problem(top, "an experiment file is a mapping of name, workload, loads, designs, ...; found " + top.kind());
            return null;
        }
        Map<String, YamlNode> m = keys(top, TOP, "experiment");

        String name = null;
        YamlNode n = require(m, "name", top, "experiment");
        if (n != null) {
            name = scalar(n, "name");
            // The name becomes a directory under results/: '.' and '..' would write beside or above it.
            if (name != null && (!name.matches("[A-Za-z0-9._-]{1,100}") || name.equals(".") || name.equals(".."))) {
                problem(n, "name '" + shown(name) + "' may only have letters, digits, '.', '_' and '-', at most 100 of them,"
                        + " and may not be '.' or '..' (it names the output directory)");
                name = null;
            }
        }
        String description = m.containsKey("description") ? scalar(m.get("description"), "description") : "";

        Workload workload = null;
        YamlNode w = require(m, "workload", top, "experiment");
        if (w != null) workload = new WorkloadSection(problems).workload(w);

        List<Double> loads = new ArrayList<>();
        YamlNode l = require(m, "loads", top, "experiment");
        if (l != null) loads = loads(l);

        long warmup = m.containsKey("warmup") ? duration(m.get("warmup"), "warmup", true, MAX_WARMUP_NANOS, "10 minutes")
                : 500_000_000L;
        long duration = m.containsKey("duration") ? duration(m.get("duration"), "duration", false, MAX_DURATION_NANOS, "1 hour")
                : 2_000_000_000L;
        int repetitions = m.containsKey("repetitions") ? integer(m.get("repetitions"), "repetitions", 1, MAX_REPETITIONS, 1) : 1;

        List<DesignSpec> designs = new ArrayList<>();
        YamlNode d = require(m, "designs", top, "experiment");
        if (d != null) designs = designs(d, workload);

        String baseline = null, inflationClass = null;
        if (m.containsKey("report")) {
            YamlNode r = m.get("report");
            if (!r.isMap()) {
                problem(r, "report must be a mapping (baseline, class); found " + r.kind());
            } else {
                Map<String, YamlNode> rm = keys(r, REPORT, "report");
                if (rm.containsKey("baseline")) {
                    baseline = scalar(rm.get("baseline"), "report baseline");
                    if (baseline != null && !designNames.contains(baseline)) {
                        problem(rm.get("baseline"), "report baseline '" + shown(baseline) + "' is not one of the designs");
                    }
                }
                if (rm.containsKey("class")) {
                    inflationClass = scalar(rm.get("class"), "report class");
                    if (inflationClass != null && workload != null && workload.classIndex(inflationClass) < 0) {
                        problem(rm.get("class"), "report class '" + shown(inflationClass) + "' is not a request class of the workload");
                    }
                } else if (baseline != null && workload != null) {
                    inflationClass = workload.classes().getFirst().name();
                }
                if (inflationClass != null && baseline == null) problem(r, "report class needs a baseline design");
            }
        }
        if (l != null && !loads.isEmpty() && !designs.isEmpty()) {
            long runs = (long) designs.size() * loads.size() * repetitions;
            if (Experiment.plannedNanos(designs.size(), loads.size(), repetitions, warmup, duration) > Experiment.MAX_PLANNED_NANOS) {
                problem(l, designs.size() + " designs x " + loads.size() + " loads x " + repetitions + " repetitions make "
                        + runs + " runs, which would take more than 7 days (the most an experiment may plan)");
            }
        }
        RuntimeChoice runtime = m.containsKey("runtime") ? runtime(m.get("runtime")) : RuntimeChoice.REAL;
        if (!problems.isEmpty()) return null;
        return new Experiment(name, description == null ? "" : description.trim(), workload, loads, warmup, duration,
                repetitions, designs, baseline, inflationClass, source, runtime);
    }

    // ---- runtime ----

    private RuntimeChoice runtime(YamlNode r) {
        if (!r.isMap()) {
            problem(r, "runtime must be a mapping (kind, cores, cost); found " + r.kind());
            return RuntimeChoice.REAL;
        }
        Map<String, YamlNode> m = keys(r, RUNTIME, "runtime");
        String kind = m.containsKey("kind") ? scalar(m.get("kind"), "runtime kind") : "real";
        if (kind != null && !kind.equals("real") && !kind.equals("simulated")) {
            problem(m.get("kind"), "runtime kind must be real or simulated, got '" + shown(kind) + "'");
            return RuntimeChoice.REAL;
        }
        if (!"simulated".equals(kind)) {
            for (String k : List.of("cores", "cost")) {
                if (m.containsKey(k)) problem(m.get(k), "runtime " + k + " is for kind: simulated (the real runtime has this machine's)");
            }
            return RuntimeChoice.REAL;
        }
        int cores = m.containsKey("cores")
                ? integer(m.get("cores"), "runtime cores", 1, RuntimeChoice.MAX_CORES, RuntimeChoice.DEFAULT_CORES)
                : RuntimeChoice.DEFAULT_CORES;
        io.flexnet.runtime.sim.CostModel cost = io.flexnet.runtime.sim.CostModel.DEFAULTS;
        if (m.containsKey("cost")) {
            YamlNode c = m.get("cost");
            if (!c.isMap()) {
                problem(c, "runtime cost must be a mapping of costs (" + String.join(", ", cost.asMap().keySet()) + "); found " + c.kind());
            } else {
                Map<String, YamlNode> cm = keys(c, cost.asMap().keySet(), "runtime cost");
                Map<String, Long> over = new LinkedHashMap<>();
                for (Map.Entry<String, YamlNode> e : cm.entrySet()) {
                    long v = e.getKey().equals("layers-per-item")
                            ? integer(e.getValue(), "layers-per-item", 0, 64, 2)
                            : duration(e.getValue(), "cost " + e.getKey(), true, 10_000_000_000L, "10 s");
                    over.put(e.getKey(), v);
                }
                try {
                    cost = cost.with(over);
                } catch (IllegalArgumentException e) {
                    problem(c, "runtime cost: " + e.getMessage());
                }
            }
        }
        return RuntimeChoice.simulated(cores, cost);
    }

    private List<Double> loads(YamlNode l) {
        List<Double> out = new ArrayList<>();
        List<YamlNode> items = l.isList() ? l.items() : List.of(l);
        if (l.isList() && items.isEmpty()) problem(l, "loads needs at least one rate (requests per second)");
        for (YamlNode item : items) {
            String t = item.text();
            if (t == null) {
                problem(item, "a load is a rate in requests per second; found " + item.kind());
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(t.trim());
            } catch (NumberFormatException e) {
                problem(item, "load '" + shown(t) + "' is not a number of requests per second");
                continue;
            }
            if (!(v > 0) || Double.isInfinite(v)) {
                problem(item, "load " + t + " must be a positive rate in requests per second");
                continue;
            }
            if (v > 10_000_000) {
                problem(item, "load " + t + " is more than one generator thread can offer (10M requests/s)");
                continue;
            }
            out.add(v);
        }
        return out;
    }

    // ---- designs ----

    private List<DesignSpec> designs(YamlNode d, Workload workload) {
        List<DesignSpec> out = new ArrayList<>();
        if (!d.isList() || d.items().isEmpty()) {
            problem(d, "designs must be a list of at least one design");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (YamlNode item : d.items()) {
            if (!item.isMap()) {
                problem(item, "a design is a mapping (name, builtin or class, params, classes); found " + item.kind());
                continue;
            }
            int before = problems.size();
            Map<String, YamlNode> m = keys(item, DESIGN, "design");
            YamlNode nn = require(m, "name", item, "design");
            String name = nn == null ? null : scalar(nn, "design name");
            if (name != null && !name.matches("[A-Za-z0-9._+-]{1,100}")) {
                problem(nn, "design name '" + shown(name) + "' may only have letters, digits and . _ + -, at most 100 of them");
            }
            if (name != null && !names.add(name)) problem(nn, "design name '" + shown(name) + "' used twice");
            if (name != null) designNames.add(name);
            String builtin = m.containsKey("builtin") ? scalar(m.get("builtin"), "builtin") : null;
            String cls = m.containsKey("class") ? scalar(m.get("class"), "class") : null;
            if (builtin == null && cls == null && !m.containsKey("builtin") && !m.containsKey("class")) {
                problem(item, "design " + name + " needs 'builtin: NAME' (one of " + String.join(", ", Designs.builtins())
                        + ") or 'class: a.java.ClassName'");
            } else if (builtin != null && cls != null) {
                problem(m.get("class"), "design " + name + " has both builtin and class: choose one");
            }
            Design instance = null;
            if (builtin != null && cls == null) {
                instance = Designs.builtin(builtin);
                if (instance == null) {
                    problem(m.get("builtin"), "unknown design '" + shown(builtin) + "' (built in: " + String.join(", ", Designs.builtins())
                            + "; or name a class with 'class:')");
                }
            } else if (cls != null && builtin == null) {
                try {
                    instance = Designs.ofClass(cls);
                } catch (IllegalArgumentException e) {
                    problem(m.get("class"), "design " + name + ": " + e.getMessage());
                }
            }
            Params params = Params.none(name);
            if (m.containsKey("params")) {
                YamlNode p = m.get("params");
                if (p.isMap()) params = Params.of(name, p, problems);
                else if (!p.isNull()) problem(p, "params of design " + name + " must be a mapping of name: value; found " + p.kind());
            }
            List<String> classes = null;
            if (m.containsKey("classes")) {
                YamlNode c = m.get("classes");
                classes = new ArrayList<>();
                List<YamlNode> items = c.isList() ? c.items() : List.of(c);
                for (YamlNode ci : items) {
                    String cn = scalar(ci, "class name");
                    if (cn == null) continue;
                    if (workload != null && workload.classIndex(cn) < 0) {
                        problem(ci, "design " + name + " is offered class '" + shown(cn) + "', which the workload does not define");
                    }
                    classes.add(cn);
                }
                if (classes.isEmpty()) problem(c, "design " + name + ": classes must name at least one request class");
            }
            Map<String, Double> shares = null;
            if (m.containsKey("shares")) {
                YamlNode sh = m.get("shares");
                if (!sh.isMap() || sh.entries().isEmpty()) {
                    problem(sh, "shares of design " + name + " must be a mapping of class: share; found " + sh.kind());
                } else {
                    shares = new java.util.LinkedHashMap<>();
                    for (YamlNode.Entry e : sh.entries()) {
                        if (workload != null && (e.key() == null || workload.classIndex(e.key()) < 0)) {
                            problem(e.keyNode(), "design " + name + " gives a share to class '" + shown(e.key())
                                    + "', which the workload does not define");
                            continue;
                        }
                        shares.put(e.key(), number(e.value(), "share of class " + e.key() + " in design " + name, true));
                    }
                }
            }
            if (instance != null && problems.size() == before) {
                try {
                    instance.configure(params);
                    for (String unknown : params.unread()) {
                        problems.add(new Problem(params.line(unknown), 0, "design " + name + ": unknown parameter '"
                                + shown(unknown) + "' for " + (builtin != null ? builtin : cls)));
                    }
                } catch (ParamException e) {
                    problems.add(new Problem(e.line() > 0 ? e.line() : item.line(), 0, e.getMessage()));
                } catch (RuntimeException | LinkageError | AssertionError e) {
                    problem(item, "design " + name + " refused its parameters: " + Designs.reason(e));
                }
            }
            if (problems.size() == before) out.add(new DesignSpec(name, cls == null ? builtin : null, cls, params, classes, shares, item.line()));
        }
        return out;
    }

    // ---- helpers ----

    private static String oneLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** 1-based line and column of the code point at {@code index}. */
    private static int[] lineAndColumn(String text, int index) {
        int line = 1, col = 1;
        for (int i = 0, cp = 0; i < text.length() && cp < index; i += Character.charCount(text.codePointAt(i)), cp++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new int[] {line, col};
    }
}
