/* Syrup's Figure 5a: each datagram to the next socket of the port group in turn. */
#include "syrup.h"

/* Plain, as in Syrup: two CPUs racing may pick the same socket, which costs balance, not safety. */
static __u64 next;

SEC("sk_reuseport")
int round_robin(struct sk_reuseport_md *md)
{
    __u32 i = next;
    if (i >= NR_SOCKS)
        i = 0;
    next = i + 1;
    bpf_sk_select_reuseport(md, &socks, &i, 0);
    return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
