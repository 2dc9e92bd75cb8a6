// tcpdump's filter language on our frames: libpcap compiles the expression, Java runs the program.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A capture filter written as for tcpdump ({@code "udp port 7"}, {@code "tcp[tcpflags] & tcp-syn !=
 * 0"}, {@code "vlan 10 and net 198.18.0.0/15"}; see pcap-filter(7)). {@link #compile} hands the text
 * to libpcap ({@code pcap_compile} on a dead Ethernet handle, optimiser on), checks the classic BPF
 * program it returns ({@link ClassicBpf#of}), and compiles that to bytecode ({@link BpfCompiler}), so
 * {@link #matches} is a direct call that allocates nothing.
 *
 * <pre>{@code
 * CaptureFilter f = CaptureFilter.compile("tcp dst port 5432 and tcp[tcpflags] & tcp-syn != 0");
 * if (f.matches(packet)) writer.write(packet, now);
 * }</pre>
 *
 * The empty expression matches every frame, as in tcpdump. Immutable; many threads may share one.
 */
public final class CaptureFilter {
    /** What libpcap is told to keep; the filter only says yes or no, so any non-zero snaplen will do. */
    static final int SNAPLEN = 262_144;

    private final String expression;
    private final ClassicBpf program;
    private final BpfCode code;

    private CaptureFilter(String expression, ClassicBpf program, BpfCode code) {
        this.expression = expression;
        this.program = program;
        this.code = code;
    }

    /**
     * Compiles {@code expression}.
     *
     * @throws CaptureFilterException with libpcap's own reason ("syntax error", "unknown host 'x'")
     *         when the expression is refused, or when libpcap is not installed
     */
    public static CaptureFilter compile(String expression) {
        Objects.requireNonNull(expression, "expression");
        int[] words = Libpcap.compile(expression, SNAPLEN);
        ClassicBpf program;
        try {
            program = ClassicBpf.of(words);
        } catch (IllegalArgumentException e) {
            throw new CaptureFilterException(expression, "libpcap's program fails the check: " + e.getMessage());
        }
        return new CaptureFilter(expression, program, BpfCompiler.compile(program));
    }

    /** Whether libpcap can be loaded here; {@link #compile} throws saying why when it cannot. */
    public static boolean available() { return Libpcap.available(); }

    /** Whether the frame of {@code len} bytes at {@code off} in {@code s} passes the filter. */
    public boolean matches(MemorySegment s, long off, int len) { return code.run(s, off, len) != 0; }

    public boolean matches(Packet p) { return code.run(p.segment(), p.offset, p.length) != 0; }

    /** The same decision by the reference interpreter, for tests and for checking the compiler. */
    public boolean matchesInterpreted(MemorySegment s, long off, int len) { return program.run(s, off, len) != 0; }

    public String expression() { return expression; }

    public ClassicBpf program() { return program; }

    @Override
    public String toString() { return expression.isEmpty() ? "(all frames)" : expression; }
}
