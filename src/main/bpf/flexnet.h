/* The context of FlexNet's own queue() hook, SEC("flexnet/queue"): the program returns the queue index,
 * FLEXNET_PASS or FLEXNET_DROP. data..data_end is the whole frame; the other fields are numbers. */
#ifndef FLEXNET_H
#define FLEXNET_H

#include <linux/types.h>

struct flexnet_md {
    __u32 data;
    __u32 data_end;
    __u32 len;        /* frame length */
    __u32 choices;    /* queues this policy chooses among */
    __u32 src_ip;     /* host order: 198.18.0.1 is 0xC6120001 */
    __u32 dst_ip;
    __u32 src_port;
    __u32 dst_port;
    __u32 protocol;
    __u32 hash;       /* the flow's hash: RSS, or the five-tuple's */
    __u32 rx_queue;
    __u32 tenant;
};

#define FLEXNET_PASS (-1)
#define FLEXNET_DROP (-2)

#endif
