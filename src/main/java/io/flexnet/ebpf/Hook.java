package io.flexnet.ebpf;

import java.util.List;
import java.util.Set;

/**
 * The hooks an eBPF policy can be written for, each with its context struct, the helpers it offers and
 * what its return value means. The section name of a program says its hook ({@code SEC("xdp")}).
 *
 * <ul>
 * <li>{@link #SOCKET}: Linux's {@code sk_reuseport} program: {@code struct sk_reuseport_md}, the packet
 * from the UDP header to the end of the payload, {@code bpf_sk_select_reuseport} picks the socket;
 * returns {@code SK_PASS} (1) or {@code SK_DROP} (0).</li>
 * <li>{@link #NIC_RX_QUEUE}: an {@code xdp} program: {@code struct xdp_md}, the whole frame,
 * {@code bpf_redirect_map} picks the receive queue; returns {@code XDP_REDIRECT}, {@code XDP_PASS} or
 * {@code XDP_DROP}.</li>
 * <li>{@link #QUEUE}: FlexNet's own {@code queue()} hook, section {@code flexnet/queue}:
 * {@code struct flexnet_md} (see {@code src/main/bpf/flexnet.h}), the whole frame; returns the queue
 * index, -1 for PASS or -2 for DROP.</li>
 * </ul>
 */
public enum Hook {
    SOCKET("sk_reuseport", List.of(
            new Field("data", 0, 8, Field.PACKET), new Field("data_end", 8, 8, Field.PACKET_END),
            new Field("len", 16, 4, Field.SCALAR), new Field("eth_protocol", 20, 4, Field.SCALAR),
            new Field("ip_protocol", 24, 4, Field.SCALAR), new Field("bind_inany", 28, 4, Field.SCALAR),
            new Field("hash", 32, 4, Field.SCALAR)),
            Set.of(Helpers.MAP_LOOKUP_ELEM, Helpers.MAP_UPDATE_ELEM, Helpers.MAP_DELETE_ELEM, Helpers.KTIME_GET_NS,
                    Helpers.GET_PRANDOM_U32, Helpers.SK_SELECT_REUSEPORT)),
    NIC_RX_QUEUE("xdp", List.of(
            new Field("data", 0, 4, Field.PACKET), new Field("data_end", 4, 4, Field.PACKET_END),
            new Field("ingress_ifindex", 12, 4, Field.SCALAR), new Field("rx_queue_index", 16, 4, Field.SCALAR)),
            Set.of(Helpers.MAP_LOOKUP_ELEM, Helpers.MAP_UPDATE_ELEM, Helpers.MAP_DELETE_ELEM, Helpers.KTIME_GET_NS,
                    Helpers.GET_PRANDOM_U32, Helpers.REDIRECT_MAP)),
    QUEUE("flexnet/queue", List.of(
            new Field("data", 0, 4, Field.PACKET), new Field("data_end", 4, 4, Field.PACKET_END),
            new Field("len", 8, 4, Field.SCALAR), new Field("choices", 12, 4, Field.SCALAR),
            new Field("src_ip", 16, 4, Field.SCALAR), new Field("dst_ip", 20, 4, Field.SCALAR),
            new Field("src_port", 24, 4, Field.SCALAR), new Field("dst_port", 28, 4, Field.SCALAR),
            new Field("protocol", 32, 4, Field.SCALAR), new Field("hash", 36, 4, Field.SCALAR),
            new Field("rx_queue", 40, 4, Field.SCALAR), new Field("tenant", 44, 4, Field.SCALAR)),
            Set.of(Helpers.MAP_LOOKUP_ELEM, Helpers.MAP_UPDATE_ELEM, Helpers.MAP_DELETE_ELEM, Helpers.KTIME_GET_NS,
                    Helpers.GET_PRANDOM_U32));

    public static final int SK_DROP = 0, SK_PASS = 1;
    public static final int XDP_ABORTED = 0, XDP_DROP = 1, XDP_PASS = 2, XDP_TX = 3, XDP_REDIRECT = 4;

    /** One context field a program may read: the packet pointers, or a number. */
    public record Field(String name, int offset, int size, int kind) {
        public static final int SCALAR = 0, PACKET = 1, PACKET_END = 2;
    }

    private final String section;
    private final List<Field> fields;
    private final Set<Integer> helpers;

    Hook(String section, List<Field> fields, Set<Integer> helpers) {
        this.section = section;
        this.fields = fields;
        this.helpers = helpers;
    }

    public String section() { return section; }
    public List<Field> fields() { return fields; }
    public boolean offers(int helper) { return helpers.contains(helper); }
    public Set<Integer> helpers() { return helpers; }

    /** The field a load of {@code size} bytes at {@code off} reads, or null. Numbers may be read narrower from their start. */
    public Field field(int off, int size) {
        for (Field f : fields) {
            if (f.offset() != off) continue;
            if (f.kind() == Field.SCALAR ? size <= f.size() : size == f.size()) return f;
        }
        return null;
    }

    /** The hook whose section name is {@code section}, or null. */
    public static Hook forSection(String section) {
        for (Hook h : values()) if (h.section.equals(section) || section.startsWith(h.section + "/")) return h;
        return null;
    }
}
