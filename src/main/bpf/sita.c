/*
 * Syrup's Figure 5d, Size Interval Task Assignment: SCANs to socket 0, other requests round robin
 * over the rest. The type is read after a bounds check against data_end (UDP header, then payload).
 */
#include "syrup.h"

static __u64 next;

SEC("sk_reuseport")
int sita(struct sk_reuseport_md *md)
{
    void *data = md->data;
    void *end = md->data_end;
    __u8 *type = (__u8 *)data + UDP_HDR + REQ_TYPE;
    if ((void *)(type + 1) > end)
        return SK_PASS;               /* not a request of this protocol: the group's own choice */
    __u32 s = 0;
    if (*type != REQ_SCAN && NR_SOCKS > 1) {
        __u32 i = next;
        if (i >= NR_SOCKS - 1)
            i = 0;
        next = i + 1;
        s = i + 1;                    /* the i-th socket other than the reserved socket 0 */
    }
    bpf_sk_select_reuseport(md, &socks, &s, 0);
    return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
