/**
 * Frames in pooled off-heap slots: the slot pool and its reusable packet handles, header views
 * (flyweights over Ethernet, ARP, IPv4, ICMP, UDP and TCP headers read and written in place),
 * network-order byte access, the Internet checksum, per-thread striped counters and the reasons
 * every drop is counted under.
 *
 * <p>Depends on nothing else of the stack; every other package stands on this one.
 */
package io.flexnet.packet;
