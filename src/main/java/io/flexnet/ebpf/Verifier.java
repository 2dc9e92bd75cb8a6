package io.flexnet.ebpf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides, before a program runs, that it cannot take the stack down: in the manner of the Linux
 * verifier it first checks the control-flow graph (every jump inside the program, no unreachable
 * instruction, no path falling off the end), then walks every path with the registers' types and
 * value ranges, refusing anything it cannot prove safe:
 *
 * <ul>
 * <li>bounded execution: loops are allowed only when the walk reaches {@code exit} on every path
 * within {@link #BUDGET} instructions; a state that repeats on its own path is an infinite loop;</li>
 * <li>stack accesses within 512 bytes, at constant aligned offsets, reading only what was written;</li>
 * <li>packet reads only below what a comparison against {@code data_end} proved;</li>
 * <li>map values used only after a NULL check; context fields only those the hook defines;</li>
 * <li>helpers only from the hook's table, with each argument of the type the helper takes.</li>
 * </ul>
 *
 * Division by a register that may be zero is allowed with Linux's semantics (quotient 0, remainder
 * the dividend). A refusal names the instruction index, the instruction and the registers, as
 * {@link Refusal} shows.
 *
 * <pre>{@code
 * Verifier.Result ok = Verifier.verify(program.insns(), Hook.SOCKET, object.maps());  // throws Refusal
 * System.out.println(ok.log());
 * }</pre>
 */
public final class Verifier {
    /** Instructions the walk may process before it gives up on a program (Linux's complexity limit). */
    public static final int BUDGET = 1_000_000;
    /** Longest program, in slots: Linux's limit for unprivileged programs. */
    public static final int MAX_INSNS = 4096;
    private static final int MAX_STATES_PER_INSN = 16;

    /** An accepted program: what the compiler needs and the log. */
    public record Result(Insn[] insns, Hook hook, List<MapDef> maps, Facts facts, long processed, int pruned, String log) {}

    private final Insn[] prog;
    private final Hook hook;
    private final List<MapDef> maps;
    private final Facts facts;
    private final StringBuilder log = new StringBuilder();
    private int ids;
    private long processed;
    private int pruned;
    private long lastCheckpoint = -8;
    private final int budget;

    private Verifier(Insn[] prog, Hook hook, List<MapDef> maps, int budget) {
        this.budget = budget;
        this.prog = prog;
        this.hook = hook;
        this.maps = maps;
        this.facts = new Facts(prog.length);
    }

    public static Result verify(Insn[] prog, Hook hook, List<MapDef> maps) throws Refusal {
        return verify(prog, hook, maps, BUDGET);
    }

    /** With a smaller budget of processed instructions (tests that verify many programs). */
    public static Result verify(Insn[] prog, Hook hook, List<MapDef> maps, int budget) throws Refusal {
        Verifier v = new Verifier(prog, hook, maps, budget);
        v.cfg();
        v.walk();
        v.log.append("processed ").append(v.processed).append(" insns (limit ").append(v.budget).append("), ")
                .append(v.pruned).append(" states pruned\n");
        return new Result(prog, hook, maps, v.facts, v.processed, v.pruned, v.log.toString());
    }

    // ---- the control-flow graph ----

    private void cfg() throws Refusal {
        ControlFlow.Problem p = ControlFlow.check(prog, MAX_INSNS);
        if (p != null) throw refuse(p.pc(), null, p.reason());
    }

    // ---- the walk ----

    /** A state kept at a jump target for pruning; {@code done} once every path from it was explored. */
    private static final class Seen {
        final VState state;
        boolean done;
        Seen(VState s) { state = s; }
    }

    private record Work(int pc, VState state, int pathSize) {}

    private void walk() throws Refusal {
        int n = prog.length;
        boolean[] target = new boolean[n];
        for (int i = 0; i < n; i++) if (prog[i].isJump()) target[prog[i].target(i)] = true;
        @SuppressWarnings("unchecked")
        List<Seen>[] seen = new List[n];
        List<Seen> path = new ArrayList<>();
        ArrayDeque<Work> work = new ArrayDeque<>();
        VState s0 = new VState();
        s0.regs[1] = Reg.pointer(Reg.CTX, 0, -1, 0);
        s0.regs[10] = Reg.pointer(Reg.STACK, 0, -1, 0);
        work.push(new Work(0, s0, 0));
        outer:
        while (!work.isEmpty()) {
            Work w = work.pop();
            for (int k = w.pathSize(); k < path.size(); k++) path.get(k).done = true;
            path.subList(w.pathSize(), path.size()).clear();
            int pc = w.pc();
            VState s = w.state();
            while (true) {
                if (++processed > budget) {
                    throw refuse(pc, s, "program too complex: more than " + budget
                            + " instructions processed; a loop the walk cannot prove bounded, or too many paths");
                }
                if (target[pc]) {
                    if (seen[pc] == null) seen[pc] = new ArrayList<>();
                    for (Seen old : seen[pc]) {
                        if (old.done && s.within(old.state)) {
                            pruned++;
                            continue outer;
                        }
                        if (!old.done && s.same(old.state)) throw refuse(pc, s, "infinite loop detected: insn " + pc + " is reached again in the same state");
                    }
                    // As Linux does, keep a new checkpoint only every few instructions: a tight loop then
                    // costs a state copy every few iterations rather than every one, and still repeats into it.
                    if (processed - lastCheckpoint >= 8) {
                        lastCheckpoint = processed;
                        Seen mine = new Seen(s.copy());
                        if (seen[pc].size() >= MAX_STATES_PER_INSN) seen[pc].removeFirst();
                        seen[pc].add(mine);
                        path.add(mine);
                    }
                }
                Insn x = prog[pc];
                int next = step(pc, x, s, work, path.size());
                if (next < 0) continue outer;  // exit, or both outcomes of a branch queued
                pc = next;
            }
        }
    }

    /** Executes one instruction abstractly; returns the next pc, or -1 when this path ended. */
    private int step(int pc, Insn x, VState s, ArrayDeque<Work> work, int pathSize) throws Refusal {
        switch (x.cls()) {
            case Insn.ALU, Insn.ALU64 -> { alu(pc, x, s); return pc + 1; }
            case Insn.LD -> { lddw(pc, x, s); return pc + 2; }
            case Insn.LDX -> { load(pc, x, s); return pc + 1; }
            case Insn.ST, Insn.STX -> { store(pc, x, s); return pc + 1; }
            default -> { }
        }
        int op = x.op();
        if (op == Insn.EXIT) {
            Reg r0 = s.regs[0];
            if (r0.type == Reg.NOT_INIT) throw refuse(pc, s, "R0 !read_ok: the return value was never set");
            if (r0.type != Reg.SCALAR) throw refuse(pc, s, "R0 leaks a pointer (" + r0 + ") as the return value");
            return -1;
        }
        if (op == Insn.CALL) { call(pc, x, s); return pc + 1; }
        if (op == Insn.JA) return x.target(pc);
        return branch(pc, x, s, work, pathSize);
    }

    // ---- arithmetic ----

    private Reg read(int pc, VState s, int r) throws Refusal {
        if (r > 10) throw refuse(pc, s, "R" + r + " is invalid");
        Reg v = s.regs[r];
        if (v.type == Reg.NOT_INIT) throw refuse(pc, s, "R" + r + " !read_ok: read before it was written");
        return v;
    }

    private void write(int pc, VState s, int r, Reg v) throws Refusal {
        if (r == 10) throw refuse(pc, s, "frame pointer R10 is read only");
        if (r > 10) throw refuse(pc, s, "R" + r + " is invalid");
        s.regs[r] = v;
    }

    private void alu(int pc, Insn x, VState s) throws Refusal {
        boolean w64 = x.cls() == Insn.ALU64;
        int op = x.op();
        if (op == Insn.END) {
            Reg d = read(pc, s, x.dst());
            if (d.pointer()) throw refuse(pc, s, "byte swap of a pointer (R" + x.dst() + "=" + d + ")");
            Reg r = d.known() ? Reg.constant(Interpreter.end(x, d.umin)) : x.imm() == 64 ? Reg.UNKNOWN : Reg.upTo(Interpreter.signExtend(-1, x.imm() / 8) >>> (64 - x.imm()));
            write(pc, s, x.dst(), r);
            return;
        }
        Reg src = x.regSource() ? read(pc, s, x.src()) : Reg.constant(w64 ? (long) x.imm() : x.imm() & 0xFFFF_FFFFL);
        if (op == Insn.MOV) {
            Reg r;
            if (x.off() != 0) r = src.known() ? Reg.constant(movsx(x, src.umin)) : Reg.UNKNOWN;
            else if (w64) r = src;
            else if (src.pointer()) r = Reg.upTo(0xFFFF_FFFFL);
            else r = src.fits32() ? src : src.known() ? Reg.constant(src.umin & 0xFFFF_FFFFL) : Reg.upTo(0xFFFF_FFFFL);
            if (!w64 && x.off() != 0 && !src.known()) r = Reg.upTo(0xFFFF_FFFFL);
            write(pc, s, x.dst(), r);
            return;
        }
        Reg d = op == Insn.NEG ? read(pc, s, x.dst()) : read(pc, s, x.dst());
        if (d.pointer() || src.pointer()) {
            write(pc, s, x.dst(), pointerAlu(pc, x, s, d, src, w64));
            return;
        }
        write(pc, s, x.dst(), w64 ? Ranges.scalar64(x, d, src) : Ranges.scalar32(x, d, src));
    }

    private static long movsx(Insn x, long v) {
        long r = Interpreter.signExtend(v, x.off() / 8);
        return x.cls() == Insn.ALU ? r & 0xFFFF_FFFFL : r;
    }

    private Reg pointerAlu(int pc, Insn x, VState s, Reg d, Reg src, boolean w64) throws Refusal {
        int op = x.op();
        if (d.pointer() && w64 && (op == Insn.ADD || op == Insn.SUB) && src.scalar()) {
            if (d.type == Reg.MAP_VALUE_OR_NULL) throw refuse(pc, s, "R" + x.dst() + " pointer arithmetic on map_value_or_null prohibited, null-check it first");
            if (d.type == Reg.PACKET_END || d.type == Reg.MAP_PTR) throw refuse(pc, s, "R" + x.dst() + " pointer arithmetic on " + Reg.NAMES[d.type] + " prohibited");
            if (!src.known()) throw refuse(pc, s, "R" + x.dst() + " pointer arithmetic with an unknown value (" + src + ") is not supported: offsets must be constants");
            long k = op == Insn.ADD ? src.umin : -src.umin;
            long o = d.off + k;
            if (Math.abs(o) >= 1 << 29) throw refuse(pc, s, "R" + x.dst() + " pointer offset " + o + " out of range");
            return d.withOff(o);
        }
        if (op == Insn.ADD && w64 && d.scalar() && src.pointer() && d.known()) {
            return pointerAlu(pc, new Insn(x.opcode(), x.dst(), x.src(), x.off(), x.imm(), 0), s, src, d, true);
        }
        if (op == Insn.SUB && w64 && d.type == src.type && (d.type == Reg.PACKET || d.type == Reg.STACK)) {
            return Reg.UNKNOWN;  // the distance between two pointers into one region is a number
        }
        // Anything else turns the pointer into a number the program can compute with but never dereference.
        return w64 ? Reg.UNKNOWN : Reg.upTo(0xFFFF_FFFFL);
    }

    private void lddw(int pc, Insn x, VState s) throws Refusal {
        switch (x.src()) {
            case 0 -> write(pc, s, x.dst(), Reg.constant(x.imm64()));
            case Insn.PSEUDO_MAP_FD -> write(pc, s, x.dst(), Reg.pointer(Reg.MAP_PTR, 0, map(pc, s, x.imm()), 0));
            case Insn.PSEUDO_MAP_VALUE -> {
                int m = map(pc, s, x.imm());
                if (!maps.get(m).global()) throw refuse(pc, s, "map_value reference into map " + maps.get(m).name() + ", which is not global data");
                write(pc, s, x.dst(), Reg.pointer(Reg.MAP_VALUE, x.imm64() >>> 32, m, 0));
            }
            default -> throw refuse(pc, s, "lddw with unknown source " + x.src());
        }
    }

    private int map(int pc, VState s, int index) throws Refusal {
        if (index < 0 || index >= maps.size()) throw refuse(pc, s, "map index " + index + " does not exist (the object has " + maps.size() + " maps)");
        return index;
    }

    // ---- memory ----

    private void note(int pc, VState s, int kind, int stackByte) throws Refusal {
        if (facts.kind[pc] != 0 && facts.kind[pc] != kind) {
            throw refuse(pc, s, "the same instruction accesses " + Reg.NAMES[facts.kind[pc]] + " on one path and "
                    + Reg.NAMES[kind] + " on another");
        }
        facts.kind[pc] = kind;
        if (kind == Reg.STACK || kind == Reg.CTX) {
            if (facts.stack[pc] >= 0 && facts.stack[pc] != stackByte) {
                throw refuse(pc, s, "the same instruction accesses " + Reg.NAMES[kind] + " at offset " + stackByte + " on one path and "
                        + facts.stack[pc] + " on another");
            }
            facts.stack[pc] = stackByte;
        }
    }

    /** Checks an access of {@code size} bytes at {@code base + off}; returns the stack byte for stack accesses. */
    private int access(int pc, VState s, int reg, Reg base, int off, int size, boolean write) throws Refusal {
        switch (base.type) {
            case Reg.STACK -> {
                long a = base.off + off;
                if (a < -VState.STACK || a + size > 0) throw refuse(pc, s, "invalid stack access off=" + a + " size=" + size + ": outside the 512-byte frame");
                if (a % size != 0) throw refuse(pc, s, "misaligned stack access off=" + a + " size=" + size);
                int at = (int) (a + VState.STACK);
                note(pc, s, Reg.STACK, at);
                return at;
            }
            case Reg.PACKET -> {
                if (write) throw refuse(pc, s, "the packet is read-only at the " + hook.section() + " hook");
                long a = base.off + off;
                if (a < 0 || a + size > s.pktRange) {
                    throw refuse(pc, s, "invalid access to packet, off=" + a + " size=" + size + ", R" + reg + " proven range=" + s.pktRange
                            + ": compare the pointer against data_end first");
                }
                note(pc, s, Reg.PACKET, -1);
                return -1;
            }
            case Reg.MAP_VALUE -> {
                MapDef m = maps.get(base.map);
                long a = base.off + off;
                if (a < 0 || a + size > m.valueSize()) throw refuse(pc, s, "invalid access to map value of " + m.name() + ", off=" + a + " size=" + size + ", value_size=" + m.valueSize());
                if ((a & 7) + size > 8) throw refuse(pc, s, "map value access off=" + a + " size=" + size + " crosses an 8-byte word");
                if (write && m.readOnly()) throw refuse(pc, s, "write into read-only map " + m.name());
                if (m.executors()) throw refuse(pc, s, "map " + m.name() + " names executors and has no values to read");
                note(pc, s, Reg.MAP_VALUE, -1);
                // Where every path agrees on the map and the offset, the compiler may address it directly.
                if (facts.vmap[pc] == -1) {
                    facts.vmap[pc] = base.map;
                    facts.voff[pc] = (int) a;
                } else if (facts.vmap[pc] != base.map || facts.voff[pc] != a) {
                    facts.vmap[pc] = Facts.VARIES;
                }
                return -1;
            }
            case Reg.CTX -> {
                if (write) throw refuse(pc, s, "the context is read-only");
                long a = base.off + off;
                if (a < 0 || a > 255) throw refuse(pc, s, "invalid context access off=" + a + " size=" + size + " for the " + hook.section() + " hook");
                note(pc, s, Reg.CTX, (int) a);
                return -1;
            }
            case Reg.MAP_VALUE_OR_NULL -> throw refuse(pc, s, "R" + reg + " invalid mem access 'map_value_or_null': it may be NULL; compare it with 0 first");
            default -> throw refuse(pc, s, "R" + reg + " invalid mem access '" + Reg.NAMES[base.type] + "'");
        }
    }

    private void load(int pc, Insn x, VState s) throws Refusal {
        Reg base = read(pc, s, x.src());
        int size = x.size();
        boolean sx = x.mode() == Insn.MEMSX;
        int at = access(pc, s, x.src(), base, x.off(), size, false);
        Reg r = sized(size, sx);
        switch (base.type) {
            case Reg.STACK -> {
                for (int i = at; i < at + size; i++) {
                    if (s.stack[i] == VState.UNINIT) throw refuse(pc, s, "invalid read from stack off " + (i - VState.STACK) + ": it was never written");
                }
                if (s.stack[at] == VState.SPILL) {
                    Reg spilled = s.spills[at / 8];
                    if (size == 8 && at % 8 == 0) r = spilled;
                    else if (spilled.pointer()) throw refuse(pc, s, "partial read of a spilled pointer at fp" + (at - VState.STACK));
                    else if (spilled.known()) r = Reg.constant(sx ? Interpreter.signExtend(spilled.umin >>> 8 * (at % 8), size) : (spilled.umin >>> 8 * (at % 8)) & Machine.mask(size));
                }
            }
            case Reg.CTX -> {
                long a = base.off + x.off();
                Hook.Field f = a == (int) a ? hook.field((int) a, size) : null;
                if (f == null || sx) throw refuse(pc, s, "invalid context access off=" + a + " size=" + size + " for the " + hook.section() + " hook");
                r = switch (f.kind()) {
                    case Hook.Field.PACKET -> Reg.pointer(Reg.PACKET, 0, -1, 0);
                    case Hook.Field.PACKET_END -> Reg.pointer(Reg.PACKET_END, 0, -1, 0);
                    default -> r;
                };
            }
            case Reg.MAP_VALUE -> {
                MapDef m = maps.get(base.map);
                if (m.readOnly()) {  // read-only data is constant: the walk knows its value
                    long a = base.off + x.off(), v = 0;
                    for (int i = size - 1; i >= 0; i--) v = v << 8 | (m.initial()[(int) a + i] & 0xff);
                    r = Reg.constant(sx ? Interpreter.signExtend(v, size) : v);
                }
            }
            default -> { }
        }
        write(pc, s, x.dst(), r);
    }

    private static Reg sized(int size, boolean sx) {
        if (size == 8) return Reg.UNKNOWN;
        long max = Machine.mask(size);
        return sx ? Reg.signed(-(max >>> 1) - 1, max >>> 1) : Reg.upTo(max);
    }

    private void store(int pc, Insn x, VState s) throws Refusal {
        Reg base = read(pc, s, x.dst());
        int size = x.size();
        Reg v = x.cls() == Insn.ST ? Reg.constant(x.imm()) : read(pc, s, x.src());
        if (x.mode() == Insn.ATOMIC) {
            atomic(pc, x, s, base, v);
            return;
        }
        int at = access(pc, s, x.dst(), base, x.off(), size, true);
        if (base.type == Reg.STACK) {
            if (v.pointer() && size != 8) throw refuse(pc, s, "partial spill of a pointer (R" + x.src() + "=" + v + ")");
            spill(s, at, size, size == 8 ? v : null);
        } else if (v.pointer()) {
            throw refuse(pc, s, "R" + x.src() + " leaks a pointer (" + v + ") into " + Reg.NAMES[base.type]);
        }
    }

    /** Marks stack bytes written; an 8-byte aligned store keeps what the register was. */
    private static void spill(VState s, int at, int size, Reg whole) {
        for (int slot = at / 8; slot <= (at + size - 1) / 8; slot++) {
            if (s.spills[slot] != null) {  // a partly overwritten spill degrades to plain data
                for (int i = slot * 8; i < slot * 8 + 8; i++) if (s.stack[i] == VState.SPILL) s.stack[i] = VState.MISC;
                s.spills[slot] = null;
            }
        }
        if (whole != null && at % 8 == 0) {
            s.spills[at / 8] = whole;
            Arrays.fill(s.stack, at, at + 8, VState.SPILL);
        } else {
            Arrays.fill(s.stack, at, at + size, VState.MISC);
        }
    }

    private void atomic(int pc, Insn x, VState s, Reg base, Reg v) throws Refusal {
        if (v.pointer()) throw refuse(pc, s, "R" + x.src() + " leaks a pointer (" + v + ") through an atomic");
        if (base.type != Reg.STACK && base.type != Reg.MAP_VALUE) {
            if (base.type == Reg.MAP_VALUE_OR_NULL) access(pc, s, x.dst(), base, x.off(), x.size(), true);
            throw refuse(pc, s, "atomic operation on " + Reg.NAMES[base.type] + ": only the stack and map values allow them");
        }
        if (base.type == Reg.MAP_VALUE && x.size() != 8) throw refuse(pc, s, "32-bit atomics on map values are not supported: map values are 64-bit");
        int at = access(pc, s, x.dst(), base, x.off(), x.size(), true);
        if (base.type == Reg.STACK) {
            for (int i = at; i < at + x.size(); i++) if (s.stack[i] == VState.UNINIT) throw refuse(pc, s, "atomic on stack off " + (i - VState.STACK) + " before it was written");
            if (s.stack[at] == VState.SPILL && s.spills[at / 8].pointer()) throw refuse(pc, s, "atomic on a spilled pointer");
            spill(s, at, x.size(), null);
        }
        Reg result = x.size() == 8 ? Reg.UNKNOWN : Reg.upTo(0xFFFF_FFFFL);
        if (x.imm() == Insn.CMPXCHG) {
            Reg r0 = read(pc, s, 0);
            if (r0.pointer()) throw refuse(pc, s, "R0 leaks a pointer (" + r0 + ") through cmpxchg");
            s.regs[0] = result;
        } else if ((x.imm() & Insn.FETCH) != 0) {
            write(pc, s, x.src(), result);
        }
    }

    // ---- helpers ----

    private void call(int pc, Insn x, VState s) throws Refusal {
        if (x.regSource()) throw refuse(pc, s, "indirect calls (callx) are not supported");
        if (x.src() == Insn.CALL_LOCAL) throw refuse(pc, s, "calls between eBPF functions are not supported; make the callee static __always_inline");
        int id = x.imm();
        String name = Helpers.name(id);
        if (name == null) throw refuse(pc, s, "unknown helper #" + id);
        if (!hook.offers(id)) {
            throw refuse(pc, s, "helper " + name + "#" + id + " is not offered at the " + hook.section() + " hook (it offers "
                    + hook.helpers().stream().sorted().map(h -> Helpers.name(h) + "#" + h).toList() + ")");
        }
        Reg r0;
        switch (id) {
            case Helpers.MAP_LOOKUP_ELEM -> {
                MapDef m = dataMap(pc, s, 1, name);
                key(pc, s, 2, m.keySize(), name);
                r0 = Reg.pointer(Reg.MAP_VALUE_OR_NULL, 0, s.regs[1].map, ++ids);
            }
            case Helpers.MAP_UPDATE_ELEM -> {
                MapDef m = dataMap(pc, s, 1, name);
                if (m.readOnly()) throw refuse(pc, s, name + ": map " + m.name() + " is read-only");
                key(pc, s, 2, m.keySize(), name);
                Reg val = read(pc, s, 3);
                if (val.type != Reg.STACK) throw refuse(pc, s, "R3 type=" + Reg.NAMES[val.type] + " expected=fp: " + name + " takes the value on the stack");
                if (val.off % 8 != 0) throw refuse(pc, s, "R3 " + name + " takes an 8-byte aligned value, not at fp" + val.off);
                int at2 = stackRange(pc, s, 3, val, m.valueSize(), name);
                if (facts.stack2[pc] >= 0 && facts.stack2[pc] != at2) throw refuse(pc, s, "the same call takes its value at two stack offsets");
                facts.stack2[pc] = at2;
                scalarArg(pc, s, 4, name);
                r0 = Reg.signed(-22, 0);
            }
            case Helpers.MAP_DELETE_ELEM -> {
                dataMap(pc, s, 1, name);
                key(pc, s, 2, maps.get(s.regs[1].map).keySize(), name);
                r0 = Reg.signed(-22, 0);
            }
            case Helpers.KTIME_GET_NS -> r0 = Reg.UNKNOWN;
            case Helpers.GET_PRANDOM_U32 -> r0 = Reg.upTo(0xFFFF_FFFFL);
            case Helpers.SK_SELECT_REUSEPORT -> {
                Reg ctx = read(pc, s, 1);
                if (ctx.type != Reg.CTX || ctx.off != 0) throw refuse(pc, s, "R1 type=" + ctx + " expected=ctx: " + name + " takes the context");
                MapDef m = executorMap(pc, s, 2, name, MapDef.REUSEPORT_SOCKARRAY);
                key(pc, s, 3, m.keySize(), name);
                scalarArg(pc, s, 4, name);
                r0 = Reg.signed(-22, 0);
            }
            case Helpers.REDIRECT_MAP -> {
                executorMap(pc, s, 1, name, -1);
                scalarArg(pc, s, 2, name);
                scalarArg(pc, s, 3, name);
                r0 = Reg.upTo(Hook.XDP_REDIRECT);
            }
            default -> throw refuse(pc, s, "helper " + name + " has no argument table");
        }
        for (int r = 1; r <= 5; r++) s.regs[r] = Reg.UNINIT;  // caller-saved: clobbered by the call
        s.regs[0] = r0;
    }

    private MapDef dataMap(int pc, VState s, int r, String helper) throws Refusal {
        Reg m = read(pc, s, r);
        if (m.type != Reg.MAP_PTR) throw refuse(pc, s, "R" + r + " type=" + Reg.NAMES[m.type] + " expected=map_ptr: " + helper + " takes a map");
        MapDef d = maps.get(m.map);
        if (d.executors()) throw refuse(pc, s, helper + ": map " + d.name() + " (" + d.typeName() + ") holds no values");
        noteMap(pc, s, m.map);
        return d;
    }

    private MapDef executorMap(int pc, VState s, int r, String helper, int type) throws Refusal {
        Reg m = read(pc, s, r);
        if (m.type != Reg.MAP_PTR) throw refuse(pc, s, "R" + r + " type=" + Reg.NAMES[m.type] + " expected=map_ptr: " + helper + " takes a map");
        MapDef d = maps.get(m.map);
        if (type >= 0 ? d.type() != type : !d.executors()) throw refuse(pc, s, helper + ": map " + d.name() + " is a " + d.typeName() + " map, not one of executors");
        noteMap(pc, s, m.map);
        return d;
    }

    private void noteMap(int pc, VState s, int map) throws Refusal {
        if (facts.map[pc] >= 0 && facts.map[pc] != map) throw refuse(pc, s, "the same call names map " + facts.map[pc] + " on one path and map " + map + " on another");
        facts.map[pc] = map;
    }

    private void key(int pc, VState s, int r, int size, String helper) throws Refusal {
        Reg k = read(pc, s, r);
        if (k.type != Reg.STACK) throw refuse(pc, s, "R" + r + " type=" + Reg.NAMES[k.type] + " expected=fp: " + helper + " takes the key on the stack");
        if (size != 4) throw refuse(pc, s, helper + ": keys of " + size + " bytes; maps here have 4-byte keys");
        int at = stackRange(pc, s, r, k, size, helper);
        if (facts.stack[pc] >= 0 && facts.stack[pc] != at) throw refuse(pc, s, "the same call takes its key at two stack offsets");
        facts.stack[pc] = at;
    }

    private int stackRange(int pc, VState s, int r, Reg p, int size, String helper) throws Refusal {
        long a = p.off;
        if (a < -VState.STACK || a + size > 0) throw refuse(pc, s, "R" + r + " invalid indirect access to stack off=" + a + " size=" + size);
        if (a % 4 != 0) throw refuse(pc, s, "R" + r + " misaligned stack argument off=" + a);
        int at = (int) (a + VState.STACK);
        for (int i = at; i < at + size; i++) {
            if (s.stack[i] == VState.UNINIT) throw refuse(pc, s, "R" + r + " invalid indirect read from stack off " + (i - VState.STACK) + ": " + helper + " reads bytes never written");
            if (s.stack[i] == VState.SPILL && s.spills[i / 8].pointer()) throw refuse(pc, s, "R" + r + " " + helper + " would read a spilled pointer");
        }
        return at;
    }

    private void scalarArg(int pc, VState s, int r, String helper) throws Refusal {
        Reg v = read(pc, s, r);
        if (v.pointer()) throw refuse(pc, s, "R" + r + " type=" + Reg.NAMES[v.type] + " expected=scalar for " + helper);
    }

    // ---- branches ----

    private int branch(int pc, Insn x, VState s, ArrayDeque<Work> work, int pathSize) throws Refusal {
        int op = x.op();
        boolean j32 = x.cls() == Insn.JMP32;
        Reg a = read(pc, s, x.dst());
        Reg b = x.regSource() ? read(pc, s, x.src()) : Reg.constant(j32 ? x.imm() & 0xFFFF_FFFFL : (long) x.imm());
        facts.notePacketCompare(pc, x.regSource() && !j32 && isPacketPair(a, b) ? (a.type == Reg.PACKET ? Facts.PACKET_DST : Facts.PACKET_SRC) : Facts.VARIES,
                a.type == Reg.PACKET ? a.off : b.off);
        VState taken = s.copy();
        VState fall = s;
        boolean canTake = true, canFall = true;
        if (a.scalar() && b.scalar()) {
            if (j32 && !(a.fits32() && b.fits32() && (Ranges.isUnsigned(op) || (a.smax <= Integer.MAX_VALUE && b.smax <= Integer.MAX_VALUE)))) {
                if (a.known() && b.known()) {
                    boolean t = Interpreter.cond32(op, (int) a.umin, (int) b.umin);
                    canTake = t;
                    canFall = !t;
                }
            } else {
                Reg[] tk = Ranges.refine(op, a, b, true), fl = Ranges.refine(op, a, b, false);
                canTake = tk != null;
                canFall = fl != null;
                if (canTake) { taken.regs[x.dst()] = tk[0]; if (x.regSource()) taken.regs[x.src()] = tk[1]; }
                if (canFall) { fall.regs[x.dst()] = fl[0]; if (x.regSource()) fall.regs[x.src()] = fl[1]; }
            }
        } else if (!j32 && (a.type == Reg.MAP_VALUE_OR_NULL && b.known() && b.umin == 0 && (op == Insn.JEQ || op == Insn.JNE))) {
            VState isNull = op == Insn.JEQ ? taken : fall, notNull = op == Insn.JEQ ? fall : taken;
            isNull.markNull(a.id, true);
            notNull.markNull(a.id, false);
        } else if (!j32 && isPacketPair(a, b)) {
            boolean pktFirst = a.type == Reg.PACKET;
            Reg p = pktFirst ? a : b;
            int o = pktFirst ? op : Ranges.flip(op);
            // p + off <= end proves off bytes: on the branch where that holds, the range grows
            VState proven = switch (o) { case Insn.JGT, Insn.JGE -> fall; case Insn.JLT, Insn.JLE -> taken; default -> null; };
            if (proven != null && p.off > proven.pktRange) proven.pktRange = p.off;
        } else if (a.pointer() && b.pointer() && a.type != b.type && !isPacketPair(a, b)) {
            // comparing unrelated pointers is allowed: both ways stay possible
        }
        if (canTake && canFall) {
            work.push(new Work(x.target(pc), taken, pathSize));
            return pc + 1;
        }
        if (canTake) {
            System.arraycopy(taken.regs, 0, s.regs, 0, 11);
            return x.target(pc);
        }
        return pc + 1;
    }

    private static boolean isPacketPair(Reg a, Reg b) {
        return a.type == Reg.PACKET && b.type == Reg.PACKET_END || a.type == Reg.PACKET_END && b.type == Reg.PACKET;
    }

    // ---- refusals ----

    private Refusal refuse(int pc, VState s, String reason) {
        String insn = pc >= 0 && pc < prog.length ? Disassembler.insn(prog[pc]) : "";
        String regs = s == null ? "" : s.describe();
        if (pc >= 0) log.append(pc).append(": ").append(insn).append('\n');
        if (!regs.isEmpty()) log.append(regs).append('\n');
        log.append(reason).append('\n');
        return new Refusal(pc, insn, regs, reason, log.toString());
    }
}
