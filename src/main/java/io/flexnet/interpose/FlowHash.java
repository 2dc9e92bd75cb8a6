// A flow's hash from the send path's metadata, for fq_codel's buckets and per-flow DRR classes.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;

final class FlowHash {
    private FlowHash() {}

    static int of(Packet p) {
        long x = (long) p.srcIp << 32 ^ (p.dstIp & 0xFFFF_FFFFL);
        x ^= (long) p.protocol << 48 ^ (long) p.srcPort << 16 ^ p.dstPort;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return (int) x;
    }
}
