/*
 * Syrup's token-based admission (after ReFlex): each request spends one of its user's tokens from the
 * "tokens" map, which the application refills; a user without tokens is dropped. Spending is a
 * compare-and-swap that never takes the count below zero, tried a bounded number of times.
 */
#include "syrup.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 2048);
    __type(key, __u32);
    __type(value, __u64);
} tokens SEC(".maps");

SEC("sk_reuseport")
int token_based(struct sk_reuseport_md *md)
{
    void *data = md->data;
    void *end = md->data_end;
    __u8 *p = (__u8 *)data + UDP_HDR + REQ_USER;
    if ((void *)(p + 4) > end)
        return SK_DROP;               /* cannot name a user: admission must not wave it through */
    __u32 user = ((__u32)p[0] << 24) | ((__u32)p[1] << 16) | ((__u32)p[2] << 8) | p[3];
    __s64 *t = bpf_map_lookup_elem(&tokens, &user);
    if (!t)
        return SK_DROP;
    for (int i = 0; i < 16; i++) {
        __s64 v = *t;
        if (v <= 0)
            return SK_DROP;
        if (__sync_val_compare_and_swap(t, v, v - 1) == v)
            return SK_PASS;
    }
    return SK_DROP;
}

char LICENSE[] SEC("license") = "GPL";
