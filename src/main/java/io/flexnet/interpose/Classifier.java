// Which class of a classful qdisc a frame belongs to: by tenant, by DSCP, by flow.
package io.flexnet.interpose;

import io.flexnet.packet.Packet;
import java.util.Map;

/**
 * Returns a class index for a frame about to leave; read from the metadata the send path filled
 * ({@link Packet#protocol}, {@link Packet#srcPort}) or the IPv4 header. An index out of range falls
 * into the qdisc's default class.
 */
@FunctionalInterface
public interface Classifier {
    int classify(Packet p);

    /** By the tenant owning the frame's source port: {@code classes.get(tenant)}, else {@code otherwise}. */
    static Classifier byTenant(OwnerTable owners, Map<String, Integer> classes, int otherwise) {
        int[] byId = new int[1 << 12];
        java.util.Arrays.fill(byId, otherwise);
        classes.forEach((tenant, c) -> {
            int id = owners.id(tenant);
            if (id >= byId.length) throw new IllegalArgumentException("too many owner names for a tenant classifier");
            byId[id] = c;
        });
        return p -> {
            int t = OwnerTable.tenant(owners.ownerOf(p.protocol, p.srcPort));
            return t < byId.length ? byId[t] : otherwise;
        };
    }

    /** By the DSCP (the top six bits of the IPv4 TOS byte) mapped through {@code classOf[dscp]}. */
    static Classifier byDscp(int[] classOf) {
        if (classOf.length != 64) throw new IllegalArgumentException("a DSCP map has 64 entries");
        int[] map = classOf.clone();
        return p -> p.l3Offset > 0 && p.l3Offset + 2 <= p.offset + p.length
                ? map[io.flexnet.packet.Bytes.u8(p.segment(), p.l3Offset + 1) >>> 2] : map[0];
    }

    /** By a hash of the flow's addresses, protocol and ports, over {@code n} classes. */
    static Classifier byFlow(int n) {
        return p -> Math.floorMod(FlowHash.of(p), n);
    }
}
