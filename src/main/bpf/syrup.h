/* Shared by the Syrup policies: the request header the load generator writes (RequestHeader.java). */
#ifndef FLEXNET_SYRUP_H
#define FLEXNET_SYRUP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Sockets in the port group; the hook's choices must match (a key beyond it selects nothing). */
#ifndef NR_SOCKS
#define NR_SOCKS 4
#endif

#define UDP_HDR 8
#define REQ_TYPE 8   /* u8: 1 GET, 2 SCAN, 3 PUT */
#define REQ_USER 13  /* u32, big-endian */
#define REQ_SCAN 2

/* The port group's sockets: bpf_sk_select_reuseport picks one by index. */
struct {
    __uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
    __uint(max_entries, NR_SOCKS);
    __type(key, __u32);
    __type(value, __u64);
} socks SEC(".maps");

#endif
