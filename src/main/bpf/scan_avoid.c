/*
 * Syrup's Figure 5b/5c, SCAN-avoid: the application marks a socket busy in the "busy" map while it
 * serves a SCAN; each datagram goes to the first socket not busy, starting at a rotating position.
 */
#include "syrup.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, __u64);
} busy SEC(".maps");

static __u64 next;

SEC("sk_reuseport")
int scan_avoid(struct sk_reuseport_md *md)
{
    __u32 start = next;
    if (start >= NR_SOCKS)
        start = 0;
    next = start + 1;
    __u32 c = start;
    for (int k = 0; k < NR_SOCKS; k++) {   /* bounded by the group's size: the verifier walks it */
        __u64 *b = bpf_map_lookup_elem(&busy, &c);
        if (b && *b == 0)
            goto found;
        if (++c == NR_SOCKS)
            c = 0;
    }
    c = start;   /* all busy: keep the starting one, which spreads the wait */
found:
    bpf_sk_select_reuseport(md, &socks, &c, 0);
    return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
