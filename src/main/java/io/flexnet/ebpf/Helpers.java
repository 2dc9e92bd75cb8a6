package io.flexnet.ebpf;

import java.util.Map;

/**
 * The helper functions, by their Linux numbers, so an object compiled against libbpf's
 * {@code bpf_helper_defs.h} calls ours. Which hook offers which helper is {@link Hook}'s table.
 */
public final class Helpers {
    private Helpers() {}

    public static final int MAP_LOOKUP_ELEM = 1, MAP_UPDATE_ELEM = 2, MAP_DELETE_ELEM = 3, KTIME_GET_NS = 5,
            GET_PRANDOM_U32 = 7, REDIRECT_MAP = 51, SK_SELECT_REUSEPORT = 82;
    /** Number 5 in the conformance suite: a test helper returning its first argument. */
    public static final int CONFORMANCE_IDENTITY = 5;

    private static final Map<Integer, String> NAMES = Map.of(
            MAP_LOOKUP_ELEM, "bpf_map_lookup_elem", MAP_UPDATE_ELEM, "bpf_map_update_elem",
            MAP_DELETE_ELEM, "bpf_map_delete_elem", KTIME_GET_NS, "bpf_ktime_get_ns",
            GET_PRANDOM_U32, "bpf_get_prandom_u32", REDIRECT_MAP, "bpf_redirect_map",
            SK_SELECT_REUSEPORT, "bpf_sk_select_reuseport");

    /** The helper's C name, or null for a number we do not know. */
    public static String name(int id) { return NAMES.get(id); }
}
