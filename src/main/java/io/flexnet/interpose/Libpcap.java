// libpcap's filter compiler bound through java.lang.foreign: pcap-filter text in, classic BPF out.
package io.flexnet.interpose;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The five functions of libpcap a capture filter needs: {@code pcap_open_dead} makes a handle with no
 * device (only its link type and snapshot length matter to the compiler), {@code pcap_compile} turns
 * tcpdump's expression into a {@code struct bpf_program}, {@code pcap_geterr} says why it could not,
 * {@code pcap_freecode} and {@code pcap_close} give the memory back. Compiling with libpcap itself
 * means an expression selects exactly what it selects in tcpdump: the same code generator and
 * optimiser, and our {@link ClassicBpf} only has to run its output.
 *
 * <p>The library is Debian's {@code libpcap0.8} (the soname is {@code libpcap.so.0.8} whatever the
 * version, 1.10 on bookworm); tcpdump depends on it, so a machine with tcpdump has it. It is opened
 * on first use; {@link #available()} says whether it could be.
 *
 * <p>Layouts, from libpcap's {@code pcap/bpf.h} on LP64: {@code struct bpf_program { u_int bf_len;
 * struct bpf_insn *bf_insns; }} (16 bytes, the pointer at 8) and {@code struct bpf_insn { u_short
 * code; u_char jt; u_char jf; bpf_u_int32 k; }} (8 bytes, host order).
 */
final class Libpcap {
    /** DLT_EN10MB, LINKTYPE_ETHERNET: frames start with the Ethernet header. */
    static final int DLT_EN10MB = 1;
    /** PCAP_ERRBUF_SIZE in pcap/pcap.h. */
    static final int ERRBUF_SIZE = 256;
    /** PCAP_NETMASK_UNKNOWN: "ip broadcast" is then refused rather than guessed. */
    static final int NETMASK_UNKNOWN = 0xFFFF_FFFF;

    private static final String[] NAMES = {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"};

    private static final StructLayout BPF_PROGRAM = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("bf_len"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("bf_insns"));
    private static final long BF_LEN = 0, BF_INSNS = 8;
    private static final long INSN_BYTES = 8;
    /** Far more than any expression a person writes compiles to; BPF_MAXINSNS in the kernel is 4096. */
    static final int MAX_INSNS = 4096;

    private static final Bound BOUND = bind();

    private record Bound(MethodHandle openDead, MethodHandle compile, MethodHandle geterr, MethodHandle freecode,
                         MethodHandle close, String failure) {}

    private Libpcap() {}

    /** Whether libpcap could be opened; if not, {@link #unavailableReason()} says why. */
    static boolean available() { return BOUND.failure == null; }

    static String unavailableReason() { return BOUND.failure; }

    /**
     * Compiles {@code expression} for Ethernet frames with libpcap's optimiser on: the instructions as
     * {@code code | jt << 16 | jf << 24} words in {@code [2i]} and {@code k} in {@code [2i + 1]}.
     *
     * @throws CaptureFilterException naming libpcap's reason when the expression is refused
     */
    static synchronized int[] compile(String expression, int snaplen) {
        // synchronized: libpcap before 1.8 kept the parser's state in globals, and one compile at a
        // time costs nothing here — filters are compiled when they change, never per packet.
        if (BOUND.failure != null) throw new CaptureFilterException(expression, BOUND.failure);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pcap = (MemorySegment) BOUND.openDead.invokeExact(DLT_EN10MB, snaplen);
            if (pcap.equals(MemorySegment.NULL)) {
                throw new CaptureFilterException(expression, "pcap_open_dead failed");
            }
            try {
                MemorySegment prog = a.allocate(BPF_PROGRAM);
                int rc = (int) BOUND.compile.invokeExact(pcap, prog, a.allocateFrom(expression), 1, NETMASK_UNKNOWN);
                if (rc != 0) {
                    MemorySegment msg = (MemorySegment) BOUND.geterr.invokeExact(pcap);
                    // pcap_geterr points into the handle's PCAP_ERRBUF_SIZE (256-byte), NUL-terminated buffer.
                    throw new CaptureFilterException(expression, msg.reinterpret(ERRBUF_SIZE).getString(0));
                }
                try {
                    int n = prog.get(ValueLayout.JAVA_INT, BF_LEN);
                    if (n <= 0 || n > MAX_INSNS) {
                        throw new CaptureFilterException(expression, "libpcap produced " + n + " instructions");
                    }
                    MemorySegment insns = prog.get(ValueLayout.ADDRESS, BF_INSNS).reinterpret(n * INSN_BYTES);
                    int[] out = new int[2 * n];
                    for (int i = 0; i < n; i++) {
                        long at = i * INSN_BYTES;
                        int code = insns.get(ValueLayout.JAVA_SHORT, at) & 0xFFFF;
                        int jt = insns.get(ValueLayout.JAVA_BYTE, at + 2) & 0xFF;
                        int jf = insns.get(ValueLayout.JAVA_BYTE, at + 3) & 0xFF;
                        out[2 * i] = code | jt << 16 | jf << 24;
                        out[2 * i + 1] = insns.get(ValueLayout.JAVA_INT, at + 4);
                    }
                    return out;
                } finally {
                    BOUND.freecode.invokeExact(prog);
                }
            } finally {
                BOUND.close.invokeExact(pcap);
            }
        } catch (CaptureFilterException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libpcap call failed", t);
        }
    }

    private static Bound bind() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = null;
        String tried = "";
        for (String name : NAMES) {
            try {
                // The library lives for the JVM's life: filters can be compiled at any time.
                lib = SymbolLookup.libraryLookup(name, Arena.global());
                break;
            } catch (IllegalArgumentException notFound) {
                tried += (tried.isEmpty() ? "" : ", ") + name;
            }
        }
        if (lib == null) {
            return new Bound(null, null, null, null, null,
                    "libpcap not found (tried " + tried + "); install libpcap0.8 (tcpdump brings it)");
        }
        AddressLayout ptr = ValueLayout.ADDRESS;
        try {
            return new Bound(
                    linker.downcallHandle(find(lib, "pcap_open_dead"),
                            FunctionDescriptor.of(ptr, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                    linker.downcallHandle(find(lib, "pcap_compile"),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ptr, ptr, ptr, ValueLayout.JAVA_INT,
                                    ValueLayout.JAVA_INT)),
                    linker.downcallHandle(find(lib, "pcap_geterr"), FunctionDescriptor.of(ptr, ptr)),
                    linker.downcallHandle(find(lib, "pcap_freecode"), FunctionDescriptor.ofVoid(ptr)),
                    linker.downcallHandle(find(lib, "pcap_close"), FunctionDescriptor.ofVoid(ptr)),
                    null);
        } catch (IllegalArgumentException e) {
            return new Bound(null, null, null, null, null, "libpcap lacks a function: " + e.getMessage());
        }
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalArgumentException(name));
    }
}
