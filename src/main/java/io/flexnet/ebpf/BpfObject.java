package io.flexnet.ebpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An eBPF object file, loaded: its programs (one per function in an executable section, named by the
 * section, e.g. {@code SEC("sk_reuseport")}) with their map references resolved, and its maps. Map
 * references become {@code lddw} instructions naming the map by index ({@link Insn#PSEUDO_MAP_FD}) or a
 * place in a global data section ({@link Insn#PSEUDO_MAP_VALUE}, the offset in the high word).
 *
 * <pre>{@code
 * BpfObject o = BpfObject.load(Path.of("sita.o"));
 * BpfObject.Program p = o.program("sk_reuseport");
 * }</pre>
 */
public final class BpfObject {
    static final int R_BPF_64_64 = 1, R_BPF_64_ABS64 = 2, R_BPF_64_ABS32 = 3, R_BPF_64_32 = 10;
    static final int STT_FUNC = 2, STT_SECTION = 3;

    /** One program: the function's name, its section (the hook it is written for) and its code. */
    public record Program(String name, String section, Insn[] insns) {}

    private final List<Program> programs;
    private final List<MapDef> maps;
    private final String license;

    private BpfObject(List<Program> programs, List<MapDef> maps, String license) {
        this.programs = programs;
        this.maps = maps;
        this.license = license;
    }

    public static BpfObject load(Path file) throws BpfLoadException {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BpfLoadException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(b);
    }

    public static BpfObject parse(byte[] bytes) throws BpfLoadException {
        ElfObject elf = ElfObject.parse(bytes);
        List<MapDef> maps = new ArrayList<>();
        Map<Long, Integer> mapAt = new HashMap<>();        // (section << 32 | offset) -> map index
        Map<Integer, Integer> globalOf = new HashMap<>();  // data section -> map index
        ElfObject.Section btfSec = elf.section(".BTF");
        Btf btf = btfSec == null ? null : Btf.parse(elf.contents(btfSec));
        for (ElfObject.Section s : elf.sections) {
            if (s.name().equals(".maps")) {
                if (btf == null) throw new BpfLoadException(".maps needs BTF (compile with -g)");
                for (ElfObject.Symbol sym : elf.symbols) {
                    if (sym.shndx() != s.index() || sym.name().isEmpty() || sym.type() == STT_SECTION) continue;
                    long[] d = btf.mapDefinition(sym.name());
                    mapAt.put((long) s.index() << 32 | sym.value(), maps.size());
                    maps.add(map(sym.name(), d[0], d[1], d[2], d[3], null, false));
                }
            } else if (s.name().equals("maps")) {
                byte[] c = elf.contents(s);
                for (ElfObject.Symbol sym : elf.symbols) {
                    if (sym.shndx() != s.index() || sym.name().isEmpty() || sym.type() == STT_SECTION) continue;
                    if (sym.value() + 16 > c.length) throw new BpfLoadException("legacy map " + sym.name() + " at offset " + sym.value() + " runs past the maps section");
                    int o = (int) sym.value();
                    mapAt.put((long) s.index() << 32 | sym.value(), maps.size());
                    maps.add(map(sym.name(), u32(c, o), u32(c, o + 4), u32(c, o + 8), u32(c, o + 12), null, false));
                }
            } else if (s.name().equals(".bss") || s.name().equals(".data") || s.name().startsWith(".rodata")) {
                if (s.size() == 0) continue;
                if (s.size() > 1 << 15) throw new BpfLoadException("global data section " + s.name() + " of " + s.size() + " bytes exceeds 32 KiB");
                globalOf.put(s.index(), maps.size());
                byte[] init = elf.contents(s);
                maps.add(new MapDef(s.name().substring(1), MapDef.ARRAY, 4, init.length, 1, init, s.name().startsWith(".rodata")));
            }
        }
        if (maps.size() > 255) throw new BpfLoadException(maps.size() + " maps: at most 255 per object");
        List<Program> programs = new ArrayList<>();
        for (ElfObject.Section s : elf.sections) {
            if (s.type() != ElfObject.SHT_PROGBITS || (s.flags() & ElfObject.SHF_EXECINSTR) == 0 || s.size() == 0) continue;
            if (s.size() % 8 != 0) throw new BpfLoadException("section " + s.name() + ": " + s.size() + " bytes is not a whole number of instructions");
            Insn[] code;
            try {
                code = Insn.decode(elf.contents(s));
            } catch (IllegalArgumentException e) {
                throw new BpfLoadException("section " + s.name() + ": " + e.getMessage());
            }
            for (ElfObject.Section r : elf.sections) {
                if (r.type() == ElfObject.SHT_REL && r.info() == s.index()) relocate(elf, s, r, code, mapAt, globalOf);
            }
            boolean any = false;
            for (ElfObject.Symbol sym : elf.symbols) {
                if (sym.shndx() != s.index() || sym.type() != STT_FUNC) continue;
                if (sym.value() % 8 != 0 || sym.size() % 8 != 0 || sym.value() + sym.size() > s.size() || sym.size() == 0) {
                    throw new BpfLoadException("function " + sym.name() + " at " + sym.value() + " size " + sym.size() + " does not fit section " + s.name());
                }
                Insn[] fn = new Insn[(int) (sym.size() / 8)];
                System.arraycopy(code, (int) (sym.value() / 8), fn, 0, fn.length);
                if (sym.value() > 0 && code[(int) (sym.value() / 8) - 1].isLddw()) throw new BpfLoadException("function " + sym.name() + " starts inside an lddw");
                if (fn[fn.length - 1].isLddw()) throw new BpfLoadException("function " + sym.name() + " ends inside an lddw");
                programs.add(new Program(sym.name(), s.name(), fn));
                any = true;
            }
            if (!any) programs.add(new Program(s.name(), s.name(), code));
        }
        if (programs.isEmpty()) throw new BpfLoadException("no program: no executable section holds code");
        String license = null;
        ElfObject.Section lic = elf.section("license");
        if (lic != null) {
            byte[] l = elf.contents(lic);
            int n = 0;
            while (n < l.length && l[n] != 0) n++;
            license = new String(l, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        }
        return new BpfObject(List.copyOf(programs), List.copyOf(maps), license);
    }

    private static MapDef map(String name, long type, long key, long value, long max, byte[] init, boolean ro) throws BpfLoadException {
        if (key > 512 || value > 65536 || max > (1 << 26)) {
            throw new BpfLoadException("map " + name + ": key " + key + " B, value " + value + " B, " + max + " entries: too large");
        }
        return new MapDef(name, (int) type, (int) key, (int) value, (int) max, init, ro);
    }

    private static void relocate(ElfObject elf, ElfObject.Section s, ElfObject.Section r, Insn[] code,
                                 Map<Long, Integer> mapAt, Map<Integer, Integer> globalOf) throws BpfLoadException {
        for (ElfObject.Rel rel : elf.rels(r)) {
            String where = "relocation at " + s.name() + "+" + rel.offset();
            if (rel.offset() % 8 != 0 || rel.offset() / 8 >= code.length) throw new BpfLoadException(where + ": not at an instruction of the section");
            int i = (int) (rel.offset() / 8);
            Insn x = code[i];
            if (i > 0 && code[i - 1].isLddw()) throw new BpfLoadException(where + ": points into the second slot of an lddw");
            ElfObject.Symbol sym = elf.symbols.get(rel.symbol());
            switch (rel.type()) {
                case R_BPF_64_64 -> {
                    if (!x.isLddw()) throw new BpfLoadException(where + " (" + sym.name() + "): R_BPF_64_64 on " + Disassembler.insn(x) + ", not an lddw");
                    Integer m = mapAt.get((long) sym.shndx() << 32 | sym.value());
                    if (m != null) {
                        code[i] = new Insn(x.opcode(), x.dst(), Insn.PSEUDO_MAP_FD, 0, m, m);
                        continue;
                    }
                    Integer g = globalOf.get(sym.shndx());
                    if (g == null) throw new BpfLoadException(where + ": symbol '" + sym.name() + "' is neither a map nor global data");
                    long off = (sym.type() == STT_SECTION ? 0 : sym.value()) + x.imm();
                    code[i] = new Insn(x.opcode(), x.dst(), Insn.PSEUDO_MAP_VALUE, 0, g, off << 32 | g);
                }
                case R_BPF_64_32 -> throw new BpfLoadException(where + ": call to function '" + sym.name()
                        + "': calls between eBPF functions are not supported; mark it static __always_inline");
                case R_BPF_64_ABS64, R_BPF_64_ABS32 -> throw new BpfLoadException(where + ": data relocation in code");
                default -> throw new BpfLoadException(where + ": unknown relocation type " + rel.type());
            }
        }
    }

    private static long u32(byte[] b, int p) { return Insn.le32(b, p) & 0xFFFF_FFFFL; }

    public List<Program> programs() { return programs; }

    public List<MapDef> maps() { return maps; }

    /** The license string ({@code SEC("license")}), or null. */
    public String license() { return license; }

    /** The single program of section {@code section}; throws naming the sections there are. */
    public Program program(String section) throws BpfLoadException {
        Program found = null;
        for (Program p : programs) {
            if (p.section().equals(section)) {
                if (found != null) throw new BpfLoadException("section " + section + " holds more than one program");
                found = p;
            }
        }
        if (found == null) throw new BpfLoadException("no program in section " + section + "; sections: "
                + programs.stream().map(Program::section).distinct().toList());
        return found;
    }
}
