package io.flexnet.ebpf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict reader of the ELF relocatable objects {@code clang -target bpf} writes: 64-bit,
 * little-endian, machine EM_BPF. It checks every offset and size against the file before reading, so
 * a malformed or truncated file is refused with a message naming the field, never an exception from
 * deep inside. It knows sections, symbols and relocations; {@link BpfObject} gives them meaning.
 */
public final class ElfObject {
    static final int EM_BPF = 247;
    static final int SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8, SHT_REL = 9;
    static final long SHF_EXECINSTR = 0x4;

    /** One section header, with its name resolved. */
    public record Section(int index, String name, int type, long flags, long offset, long size, int link, int info, long entsize) {}

    /** One symbol table entry. */
    public record Symbol(int index, String name, int info, int shndx, long value, long size) {
        int type() { return info & 0xf; }
    }

    /** One REL entry: {@code offset} in the target section, symbol index and relocation type. */
    public record Rel(long offset, int symbol, int type) {}

    final byte[] b;
    final List<Section> sections = new ArrayList<>();
    final List<Symbol> symbols = new ArrayList<>();

    private ElfObject(byte[] b) { this.b = b; }

    public static ElfObject parse(byte[] b) throws BpfLoadException {
        ElfObject e = new ElfObject(b);
        e.read();
        return e;
    }

    private void read() throws BpfLoadException {
        if (b.length < 64) throw new BpfLoadException("not an ELF object: " + b.length + " bytes, shorter than the 64-byte ELF header");
        if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') throw new BpfLoadException("not an ELF object: bad magic");
        if (b[4] != 2) throw new BpfLoadException("ELF class " + b[4] + ": only 64-bit objects (class 2) are eBPF");
        if (b[5] != 1) throw new BpfLoadException("ELF data encoding " + b[5] + ": only little-endian objects (1) are supported");
        int type = u16(16, "e_type");
        if (type != 1) throw new BpfLoadException("ELF type " + type + ": expected a relocatable object (1) as clang -c writes");
        int machine = u16(18, "e_machine");
        if (machine != EM_BPF) throw new BpfLoadException("ELF machine " + machine + ": not eBPF (" + EM_BPF + "); compile with clang -target bpf");
        long shoff = u64(0x28, "e_shoff");
        int shentsize = u16(0x3a, "e_shentsize");
        int shnum = u16(0x3c, "e_shnum");
        int shstrndx = u16(0x3e, "e_shstrndx");
        if (shentsize != 64) throw new BpfLoadException("e_shentsize " + shentsize + ": section headers of 64 bytes expected");
        if (shnum == 0 || shnum > 4096) throw new BpfLoadException("e_shnum " + shnum + ": between 1 and 4096 sections expected");
        range(shoff, (long) shnum * 64, "section header table (e_shoff " + shoff + ", " + shnum + " entries)");
        if (shstrndx >= shnum) throw new BpfLoadException("e_shstrndx " + shstrndx + " beyond the " + shnum + " sections");
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            long p = shoff + 64L * i;
            raw[i] = new long[] {u32(p, "sh_name"), u32(p + 4, "sh_type"), u64(p + 8, "sh_flags"), u64(p + 24, "sh_offset"),
                    u64(p + 32, "sh_size"), u32(p + 40, "sh_link"), u32(p + 44, "sh_info"), u64(p + 56, "sh_entsize")};
            if (raw[i][1] != SHT_NOBITS && raw[i][1] != 0) range(raw[i][3], raw[i][4], "section " + i + "'s contents");
        }
        long[] strtab = raw[shstrndx];
        if (strtab[1] != SHT_STRTAB) throw new BpfLoadException("section " + shstrndx + " (e_shstrndx) is not a string table");
        for (int i = 0; i < shnum; i++) {
            long[] r = raw[i];
            String name = string(strtab[3], strtab[4], r[0], "name of section " + i);
            sections.add(new Section(i, name, (int) r[1], r[2], r[3], r[4], (int) r[5], (int) r[6], r[7]));
        }
        Section symtab = null;
        for (Section s : sections) {
            if (s.type() == SHT_SYMTAB) {
                if (symtab != null) throw new BpfLoadException("more than one symbol table");
                symtab = s;
            }
        }
        if (symtab == null) throw new BpfLoadException("no symbol table (.symtab): the object was stripped");
        if (symtab.entsize() != 24 || symtab.size() % 24 != 0) throw new BpfLoadException("symbol table entries of " + symtab.entsize() + " bytes, 24 expected");
        if (symtab.link() <= 0 || symtab.link() >= shnum || sections.get(symtab.link()).type() != SHT_STRTAB) {
            throw new BpfLoadException("symbol table's string table (sh_link " + symtab.link() + ") is not a string table");
        }
        Section str = sections.get(symtab.link());
        for (int i = 0; i < symtab.size() / 24; i++) {
            long p = symtab.offset() + 24L * i;
            String name = string(str.offset(), str.size(), u32(p, "st_name"), "name of symbol " + i);
            int info = b[(int) p + 4] & 0xff;
            int shndx = u16(p + 6, "st_shndx");
            symbols.add(new Symbol(i, name, info, shndx, u64(p + 8, "st_value"), u64(p + 16, "st_size")));
        }
    }

    public Section section(String name) {
        for (Section s : sections) if (s.name().equals(name)) return s;
        return null;
    }

    /** The bytes of a section (a NOBITS section reads as zeros). */
    public byte[] contents(Section s) throws BpfLoadException {
        if (s.size() > Integer.MAX_VALUE - 8) throw new BpfLoadException("section " + s.name() + " of " + s.size() + " bytes is too large");
        if (s.type() == SHT_NOBITS) return new byte[(int) s.size()];
        range(s.offset(), s.size(), "section " + s.name());
        byte[] out = new byte[(int) s.size()];
        System.arraycopy(b, (int) s.offset(), out, 0, out.length);
        return out;
    }

    /** The REL entries of relocation section {@code s}. */
    public List<Rel> rels(Section s) throws BpfLoadException {
        if (s.entsize() != 16 || s.size() % 16 != 0) throw new BpfLoadException("relocation section " + s.name() + " has entries of " + s.entsize() + " bytes, 16 expected");
        List<Rel> out = new ArrayList<>();
        for (long p = s.offset(); p < s.offset() + s.size(); p += 16) {
            long info = u64(p + 8, "r_info in " + s.name());
            long sym = info >>> 32;
            if (sym >= symbols.size()) throw new BpfLoadException(s.name() + ": relocation names symbol " + sym + " of " + symbols.size());
            out.add(new Rel(u64(p, "r_offset in " + s.name()), (int) sym, (int) info));
        }
        return out;
    }

    // ---- bounds-checked reads ----

    void range(long off, long len, String what) throws BpfLoadException {
        if (off < 0 || len < 0 || off > b.length || len > b.length - off) {
            throw new BpfLoadException(what + " at offset " + off + " length " + len + " lies outside the file's " + b.length + " bytes");
        }
    }

    int u16(long off, String what) throws BpfLoadException {
        range(off, 2, what);
        int p = (int) off;
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    long u32(long off, String what) throws BpfLoadException {
        range(off, 4, what);
        return Insn.le32(b, (int) off) & 0xFFFF_FFFFL;
    }

    long u64(long off, String what) throws BpfLoadException {
        range(off, 8, what);
        long v = u32(off, what) | u32(off + 4, what) << 32;
        if (v < 0) throw new BpfLoadException(what + " at offset " + off + " is beyond 2^63");
        return v;
    }

    String string(long tableOff, long tableSize, long index, String what) throws BpfLoadException {
        if (index >= tableSize) throw new BpfLoadException(what + ": string offset " + index + " beyond its table of " + tableSize + " bytes");
        int start = (int) (tableOff + index), end = start;
        int limit = (int) (tableOff + tableSize);
        while (end < limit && b[end] != 0) end++;
        if (end == limit) throw new BpfLoadException(what + ": string at " + index + " is not NUL-terminated within its table");
        return new String(b, start, end - start, StandardCharsets.UTF_8);
    }
}
