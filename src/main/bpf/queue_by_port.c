/* A policy at a queue() point: even destination ports to queue 0, odd ones spread by flow hash. */
#include "flexnet.h"
#include <bpf/bpf_helpers.h>

SEC("flexnet/queue")
int queue_by_port(struct flexnet_md *md)
{
    if (md->choices == 0)
        return FLEXNET_PASS;
    if ((md->dst_port & 1) == 0)
        return 0;
    return md->hash % md->choices;
}

char LICENSE[] SEC("license") = "GPL";
