// tcpdump's filter language on our frames: libpcap compiles the expression, Java runs the program.
package io.flexnet.interpose;

import io.flexnet.packet.Bytes;
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

    private static final java.util.regex.Pattern OWNER =
            java.util.regex.Pattern.compile("^\\s*owner\\s+(\\S+)(?:\\s+and\\s+(.*))?$", java.util.regex.Pattern.DOTALL);

    private final String expression;
    private final ClassicBpf program;
    private final BpfCode code;
    /** With {@code owner NAME}: the table and the tenant's id; else null and 0. */
    private final OwnerTable owners;
    private final int tenant;

    private CaptureFilter(String expression, ClassicBpf program, BpfCode code, OwnerTable owners, int tenant) {
        this.expression = expression;
        this.program = program;
        this.code = code;
        this.owners = owners;
        this.tenant = tenant;
    }

    /**
     * As {@link #compile(String)}, and an expression may start with {@code owner NAME} (alone, or
     * {@code owner NAME and EXPR}): only frames to or from a UDP or TCP port that tenant holds in
     * {@code owners} match — which application is misbehaving, KOPI's tcpdump case. libpcap knows
     * nothing of owners, so the rest of the expression goes to it and the owner test runs after it.
     */
    public static CaptureFilter compile(String expression, OwnerTable owners) {
        java.util.regex.Matcher m = OWNER.matcher(expression);
        if (!m.matches()) return compile(expression);
        String rest = m.group(2) == null ? "" : m.group(2);
        CaptureFilter f = compile(rest);
        return new CaptureFilter(expression, f.program, f.code, Objects.requireNonNull(owners, "owners"), owners.id(m.group(1)));
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
        return new CaptureFilter(expression, program, BpfCompiler.compile(program), null, 0);
    }

    /** Whether libpcap can be loaded here; {@link #compile} throws saying why when it cannot. */
    public static boolean available() { return Libpcap.available(); }

    /** Whether the frame of {@code len} bytes at {@code off} in {@code s} passes the filter. */
    public boolean matches(MemorySegment s, long off, int len) {
        return code.run(s, off, len) != 0 && (owners == null || ownedSlow(s, off, len));
    }

    public boolean matches(Packet p) { return matches(p.segment(), p.offset, p.length); }

    /** Whether the frame's UDP or TCP source or destination port is held by the tenant (IPv4, one tag at most). */
    private boolean ownedSlow(MemorySegment s, long off, int len) {
        int l3 = 14;
        if (len < l3) return false;
        int type = Bytes.u16(s, off + 12);
        if (type == 0x8100) {
            if (len < 18) return false;
            type = Bytes.u16(s, off + 16);
            l3 = 18;
        }
        if (type != 0x0800 || len < l3 + 20) return false;
        int proto = Bytes.u8(s, off + l3 + 9);
        if (proto != OwnerTable.PROTO_UDP && proto != OwnerTable.PROTO_TCP) return false;
        if ((Bytes.u16(s, off + l3 + 6) & 0x1FFF) != 0) return false;  // a later fragment: no ports
        int l4 = l3 + (Bytes.u8(s, off + l3) & 0x0F) * 4;
        if (len < l4 + 4) return false;
        return OwnerTable.tenant(owners.ownerOf(proto, Bytes.u16(s, off + l4))) == tenant
                || OwnerTable.tenant(owners.ownerOf(proto, Bytes.u16(s, off + l4 + 2))) == tenant;
    }

    /** The same decision by the reference interpreter, for tests and for checking the compiler. */
    public boolean matchesInterpreted(MemorySegment s, long off, int len) {
        return program.run(s, off, len) != 0 && (owners == null || ownedSlow(s, off, len));
    }

    public String expression() { return expression; }

    public ClassicBpf program() { return program; }

    @Override
    public String toString() { return expression.isEmpty() ? "(all frames)" : expression; }
}
