package io.flexnet.ebpf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal reader of BTF, the type information clang writes into {@code .BTF}: enough to read the
 * map definitions of a {@code .maps} section ({@code __uint(max_entries, 4)} is a pointer to an array
 * of 4 elements; {@code __type(key, __u32)} a pointer to the key's type). Every offset is checked;
 * anything malformed is refused naming the type.
 */
final class Btf {
    static final int INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, UNION = 5, ENUM = 6, FWD = 7, TYPEDEF = 8, VOLATILE = 9,
            CONST = 10, RESTRICT = 11, FUNC = 12, FUNC_PROTO = 13, VAR = 14, DATASEC = 15, FLOAT = 16, DECL_TAG = 17,
            TYPE_TAG = 18, ENUM64 = 19;

    /** One type: kind, name, the size-or-type word, and its trailing members as {name, type, offset}. */
    record Type(int kind, String name, long sizeOrType, int vlen, long[] extra, List<long[]> members) {}

    private final List<Type> types = new ArrayList<>();
    private final Map<String, Integer> vars = new HashMap<>();

    private Btf() { types.add(null); }  // type 0 is void

    static Btf parse(byte[] b) throws BpfLoadException {
        Btf t = new Btf();
        t.read(b);
        return t;
    }

    private void read(byte[] b) throws BpfLoadException {
        if (b.length < 24) throw new BpfLoadException(".BTF: " + b.length + " bytes, shorter than its header");
        if (u16(b, 0) != 0xEB9F) throw new BpfLoadException(".BTF: bad magic 0x" + Integer.toHexString(u16(b, 0)));
        long hdr = u32(b, 4), typeOff = u32(b, 8), typeLen = u32(b, 12), strOff = u32(b, 16), strLen = u32(b, 20);
        long types0 = hdr + typeOff, strs0 = hdr + strOff;
        check(b, types0, typeLen, "type section");
        check(b, strs0, strLen, "string section");
        long p = types0, end = types0 + typeLen;
        while (p < end) {
            int id = types.size();
            check(b, p, 12, "type " + id);
            long nameOff = u32(b, (int) p), info = u32(b, (int) p + 4), st = u32(b, (int) p + 8);
            int kind = (int) (info >>> 24) & 0x1f, vlen = (int) (info & 0xffff);
            p += 12;
            String name = str(b, strs0, strLen, nameOff, id);
            long[] extra = new long[0];
            List<long[]> members = List.of();
            int each;
            switch (kind) {
                case INT, VAR, DECL_TAG -> { check(b, p, 4, "type " + id); extra = new long[] {u32(b, (int) p)}; p += 4; each = 0; }
                case ARRAY -> {
                    check(b, p, 12, "array type " + id);
                    extra = new long[] {u32(b, (int) p), u32(b, (int) p + 4), u32(b, (int) p + 8)};
                    p += 12;
                    each = 0;
                }
                case STRUCT, UNION, DATASEC, ENUM64 -> each = 12;
                case ENUM, FUNC_PROTO -> each = 8;
                case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> each = 0;
                default -> throw new BpfLoadException(".BTF: type " + id + " has unknown kind " + kind);
            }
            if (each > 0 && vlen > 0) {
                check(b, p, (long) vlen * each, "members of type " + id);
                members = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, p += each) {
                    long a = u32(b, (int) p), c = u32(b, (int) p + 4), d = each == 12 ? u32(b, (int) p + 8) : 0;
                    if (kind == STRUCT || kind == UNION) members.add(new long[] {a, c, d, 0});
                    else members.add(new long[] {a, c, d});
                }
                if (kind == STRUCT || kind == UNION) {
                    List<long[]> named = new ArrayList<>(vlen);
                    for (long[] m : members) named.add(new long[] {m[0], m[1], m[2]});
                    members = named;
                }
            }
            types.add(new Type(kind, name, st, vlen, extra, members));
            if (kind == VAR) vars.put(name, id);
            if (types.size() > 1_000_000) throw new BpfLoadException(".BTF: more than a million types");
        }
        this.strs = b;
        this.strs0 = strs0;
        this.strLen = strLen;
    }

    private byte[] strs;
    private long strs0, strLen;

    /** A map's definition as its BTF struct says: type, key size, value size, max entries (0 when absent). */
    long[] mapDefinition(String var) throws BpfLoadException {
        Integer v = vars.get(var);
        if (v == null) throw new BpfLoadException("map " + var + ": no BTF variable of that name describes it");
        Type st = type(resolve(type(v, var).sizeOrType(), var), var);
        if (st.kind() != STRUCT) throw new BpfLoadException("map " + var + ": its BTF type is not a struct");
        long mapType = -1, key = 0, value = 0, max = 0;
        for (long[] m : st.members()) {
            String field = str(strs, strs0, strLen, m[0], (int) m[1]);
            switch (field) {
                case "type" -> mapType = uintMember(m[1], var, field);
                case "max_entries" -> max = uintMember(m[1], var, field);
                case "key_size" -> key = uintMember(m[1], var, field);
                case "value_size" -> value = uintMember(m[1], var, field);
                case "key" -> key = sizeOf(pointee(m[1], var, field), var, 0);
                case "value" -> value = sizeOf(pointee(m[1], var, field), var, 0);
                default -> { }  // map_flags, pinning and the like do not change how we run it
            }
        }
        if (mapType < 0) throw new BpfLoadException("map " + var + ": no 'type' member");
        return new long[] {mapType, key, value, max};
    }

    /** {@code __uint(name, n)} is {@code int (*name)[n]}: n is the array's element count. */
    private long uintMember(long typeId, String var, String field) throws BpfLoadException {
        Type arr = type(pointee(typeId, var, field), var);
        if (arr.kind() != ARRAY) throw new BpfLoadException("map " + var + ": member " + field + " is not __uint(...)");
        return arr.extra()[2];
    }

    private long pointee(long typeId, String var, String field) throws BpfLoadException {
        Type p = type(resolve(typeId, var), var);
        if (p.kind() != PTR) throw new BpfLoadException("map " + var + ": member " + field + " is not a pointer");
        return resolve(p.sizeOrType(), var);
    }

    private long sizeOf(long id, String var, int depth) throws BpfLoadException {
        if (depth > 32) throw new BpfLoadException("map " + var + ": type chain too deep");
        Type t = type(resolve(id, var), var);
        return switch (t.kind()) {
            case INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC -> t.sizeOrType();
            case PTR -> 8;
            case ARRAY -> t.extra()[2] * sizeOf(t.extra()[0], var, depth + 1);
            default -> throw new BpfLoadException("map " + var + ": cannot size BTF type kind " + t.kind());
        };
    }

    /** Skips typedefs and qualifiers. */
    private long resolve(long id, String var) throws BpfLoadException {
        for (int i = 0; i < 32; i++) {
            Type t = type(id, var);
            if (t.kind() != TYPEDEF && t.kind() != VOLATILE && t.kind() != CONST && t.kind() != RESTRICT && t.kind() != TYPE_TAG) return id;
            id = t.sizeOrType();
        }
        throw new BpfLoadException("map " + var + ": typedef chain longer than 32");
    }

    private Type type(long id, String var) throws BpfLoadException {
        if (id <= 0 || id >= types.size()) throw new BpfLoadException("map " + var + ": BTF type " + id + " does not exist");
        return types.get((int) id);
    }

    private static void check(byte[] b, long off, long len, String what) throws BpfLoadException {
        if (off < 0 || len < 0 || off > b.length || len > b.length - off) {
            throw new BpfLoadException(".BTF: " + what + " at " + off + " length " + len + " lies outside its " + b.length + " bytes");
        }
    }

    private static String str(byte[] b, long base, long len, long off, int id) throws BpfLoadException {
        if (off >= len) throw new BpfLoadException(".BTF: name of type " + id + " at " + off + " beyond the strings' " + len + " bytes");
        int s = (int) (base + off), e = s, limit = (int) (base + len);
        while (e < limit && b[e] != 0) e++;
        if (e == limit) throw new BpfLoadException(".BTF: name of type " + id + " is not NUL-terminated");
        return new String(b, s, e - s, StandardCharsets.UTF_8);
    }

    private static int u16(byte[] b, int p) { return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8; }

    private static long u32(byte[] b, int p) { return Insn.le32(b, p) & 0xFFFF_FFFFL; }
}
