package io.flexnet.ebpf;

/**
 * How a pointer is a number while a program runs: a region tag in the top byte and an offset biased so
 * that pointer arithmetic a little below the region's start stays in the region's tag. Programs see
 * pointers only as opaque 64-bit values (the verifier refuses storing them anywhere but their own
 * stack), so the encoding is free to be this simple.
 */
public final class Addr {
    private Addr() {}

    public static final int CTX = 1, STACK = 2, PACKET = 3, MAP_VALUE = 4, MAP = 5;
    static final int TAG_SHIFT = 56;
    /** Offsets are biased by this much, so {@code p - 8} of a region's start is still that region's. */
    static final long BIAS = 1L << 32;
    static final long LOW = (1L << TAG_SHIFT) - 1;

    public static long of(int tag, long offset) { return (long) tag << TAG_SHIFT | (BIAS + offset); }

    public static int tag(long addr) { return (int) (addr >>> TAG_SHIFT); }

    public static long offset(long addr) { return (addr & LOW) - BIAS; }

    /** A map value pointer: the map's index among the program's maps, the key, an offset below 32 KiB. */
    public static long mapValue(int map, int key, int offset) {
        return (long) MAP_VALUE << TAG_SHIFT | (long) map << 48 | (key & 0xFFFF_FFFFL) << 16 | (0x8000 + offset);
    }

    public static int mapOf(long addr) { return (int) (addr >>> 48) & 0xff; }

    public static int keyOf(long addr) { return (int) (addr >>> 16); }

    public static int mapOffset(long addr) { return ((int) addr & 0xffff) - 0x8000; }

    public static String describe(long addr) {
        return switch (tag(addr)) {
            case CTX -> "ctx" + signed(offset(addr));
            case STACK -> "stack" + signed(offset(addr));
            case PACKET -> "packet" + signed(offset(addr));
            case MAP -> "map" + offset(addr);
            case MAP_VALUE -> "map" + mapOf(addr) + "[" + Integer.toUnsignedString(keyOf(addr)) + "]" + signed(mapOffset(addr));
            default -> "0x" + Long.toHexString(addr);
        };
    }

    private static String signed(long v) { return v >= 0 ? "+" + v : Long.toString(v); }
}
