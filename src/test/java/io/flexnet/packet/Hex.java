package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/** Test helper: frames written as hex in the test, read into byte arrays and segments. */
public final class Hex {
    private Hex() {}

    /** Concatenates hex lines; spaces are ignored. */
    public static byte[] bytes(String... lines) {
        String hex = String.join("", lines).replace(" ", "");
        if (hex.length() % 2 != 0) throw new IllegalArgumentException("odd number of hex digits");
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        return out;
    }

    public static MemorySegment segment(String... lines) { return MemorySegment.ofArray(bytes(lines)); }

    public static String of(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        return sb.toString();
    }
}
