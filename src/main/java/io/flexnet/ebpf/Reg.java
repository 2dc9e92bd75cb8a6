package io.flexnet.ebpf;

/**
 * What the verifier knows of one register: its type, and for a number its unsigned and signed range,
 * for a pointer its constant offset (and map, and the id shared by copies of one lookup's result).
 * Immutable, so states share registers freely.
 */
final class Reg {
    static final int NOT_INIT = 0, SCALAR = 1, CTX = 2, STACK = 3, PACKET = 4, PACKET_END = 5, MAP_VALUE = 6,
            MAP_VALUE_OR_NULL = 7, MAP_PTR = 8;
    static final String[] NAMES = {"?", "scalar", "ctx", "fp", "pkt", "pkt_end", "map_value", "map_value_or_null", "map_ptr"};

    static final Reg UNINIT = new Reg(NOT_INIT, 0, 0, 0, 0, 0, -1, 0);
    static final Reg UNKNOWN = new Reg(SCALAR, 0, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE, -1, 0);

    final int type;
    final long off;
    final long umin, umax, smin, smax;
    final int map;
    final int id;

    Reg(int type, long off, long umin, long umax, long smin, long smax, int map, int id) {
        this.type = type;
        this.off = off;
        this.umin = umin;
        this.umax = umax;
        this.smin = smin;
        this.smax = smax;
        this.map = map;
        this.id = id;
    }

    static Reg constant(long v) { return new Reg(SCALAR, 0, v, v, v, v, -1, 0); }

    static Reg pointer(int type, long off, int map, int id) { return new Reg(type, off, 0, 0, 0, 0, map, id); }

    /** A number in {@code [0, max]} (unsigned). */
    static Reg upTo(long max) { return unsigned(0, max); }

    /** A number in the unsigned range, its signed range derived. */
    static Reg unsigned(long lo, long hi) {
        if (Long.compareUnsigned(lo, hi) > 0) return UNKNOWN;
        boolean sameSign = (lo ^ hi) >= 0;
        return new Reg(SCALAR, 0, lo, hi, sameSign ? lo : Long.MIN_VALUE, sameSign ? hi : Long.MAX_VALUE, -1, 0);
    }

    /** A number in the signed range, its unsigned range derived. */
    static Reg signed(long lo, long hi) {
        if (lo > hi) return UNKNOWN;
        boolean sameSign = (lo ^ hi) >= 0;
        return new Reg(SCALAR, 0, sameSign ? lo : 0, sameSign ? hi : -1, lo, hi, -1, 0);
    }

    /** Both ranges, each narrowed by the other. Null when they contradict: the path cannot happen. */
    static Reg both(long umin, long umax, long smin, long smax) {
        if (Long.compareUnsigned(umin, umax) > 0 || smin > smax) return null;
        if ((umin ^ umax) >= 0) {  // the unsigned range does not cross the sign bit: it is a signed range too
            smin = Math.max(smin, umin);
            smax = Math.min(smax, umax);
        }
        if ((smin ^ smax) >= 0) {
            if (Long.compareUnsigned(smin, umin) > 0) umin = smin;
            if (Long.compareUnsigned(smax, umax) < 0) umax = smax;
        }
        if (Long.compareUnsigned(umin, umax) > 0 || smin > smax) return null;
        return new Reg(SCALAR, 0, umin, umax, smin, smax, -1, 0);
    }

    boolean scalar() { return type == SCALAR; }
    boolean known() { return type == SCALAR && umin == umax; }
    boolean pointer() { return type >= CTX; }
    /** Within {@code [0, 2^32)}: its low 32 bits are all of it. */
    boolean fits32() { return type == SCALAR && Long.compareUnsigned(umax, 0xFFFF_FFFFL) <= 0; }

    Reg withOff(long o) { return new Reg(type, o, umin, umax, smin, smax, map, id); }

    /** Whether everything this register may hold is something {@code o} may hold (pruning). */
    boolean within(Reg o) {
        if (o.type == NOT_INIT) return true;
        if (type != o.type) return false;
        if (type == SCALAR) {
            return Long.compareUnsigned(umin, o.umin) >= 0 && Long.compareUnsigned(umax, o.umax) <= 0 && smin >= o.smin && smax <= o.smax;
        }
        return off == o.off && map == o.map && id == o.id;
    }

    boolean same(Reg o) {
        return type == o.type && off == o.off && umin == o.umin && umax == o.umax && smin == o.smin && smax == o.smax && map == o.map && id == o.id;
    }

    @Override
    public String toString() {
        switch (type) {
            case NOT_INIT: return "?";
            case SCALAR:
                if (known()) return Long.toString(umin);
                if (umin == 0 && umax == -1 && smin == Long.MIN_VALUE && smax == Long.MAX_VALUE) return "scalar()";
                return "scalar(umin=" + Long.toUnsignedString(umin) + ",umax=" + Long.toUnsignedString(umax)
                        + ",smin=" + smin + ",smax=" + smax + ")";
            case STACK: return "fp" + off;
            case MAP_VALUE: case MAP_VALUE_OR_NULL: return NAMES[type] + "(map=" + map + ",off=" + off + (id != 0 ? ",id=" + id : "") + ")";
            case MAP_PTR: return "map_ptr(map=" + map + ")";
            default: return NAMES[type] + (off != 0 ? "(off=" + off + ")" : "");
        }
    }
}
