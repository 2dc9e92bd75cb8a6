// The frame loads a compiled BPF program calls: network order, bounds checked by the caller.
package io.flexnet.interpose;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Static and tiny so the JIT inlines them into the compiled program; public for the hidden class. */
public final class BpfLoads {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private BpfLoads() {}

    public static int w(MemorySegment s, long at) { return s.get(U32, at); }

    public static int h(MemorySegment s, long at) { return s.get(U16, at) & 0xFFFF; }

    public static int b(MemorySegment s, long at) { return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF; }
}
