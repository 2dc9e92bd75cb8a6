// One shared coroutine queue's per-tenant entry counts, checked against each tenant's cap.
package io.flexnet.interpose;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.FrameTuple;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.EntryLimit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The {@link EntryLimit} of one queue shared by tenants: a packet belongs to the tenant holding its
 * local port (its UDP or TCP destination port, from the {@link OwnerTable}), and a tenant with an
 * entries cap ({@link TenantLimits.Limit#entries()}) may hold at most that many coroutines in this
 * queue at once. Packets of uncapped tenants, of no tenant, and without ports (ARP, ICMP, fragments)
 * pass uncounted.
 *
 * <p>Per packet: the port (read from the frame when no layer has parsed it yet, as a queue before
 * {@code eth_rcv} sees it), one acquire load of the port's owner, one of the caps, and for a capped
 * tenant an atomic increment on admit and a decrement on release. Nothing allocates; no lock.
 */
public final class TenantEntries implements EntryLimit {
    private final OwnerTable owners;
    private final TenantLimits limits;
    private final AtomicIntegerArray held = new AtomicIntegerArray(TenantLimits.MAX_CAPPED);

    TenantEntries(OwnerTable owners) {
        this.owners = owners;
        this.limits = owners.limits();
    }

    @Override
    public int admit(Packet p) {
        TenantLimits.EntryCaps caps = limits.entryCaps();
        int[] slotOf = caps.slotOf();
        if (slotOf.length == 0) return UNCAPPED;
        long owner = ownerOf(p);
        if (owner == 0L) return UNCAPPED;
        int tenant = OwnerTable.tenant(owner);
        int slot = tenant < slotOf.length ? slotOf[tenant] : -1;
        if (slot < 0) return UNCAPPED;
        int cap = caps.capOf()[slot];
        if (cap < 0) return UNCAPPED;
        if (held.getAndIncrement(slot) >= cap) {
            held.getAndDecrement(slot);
            return REFUSED;
        }
        return slot;
    }

    @Override
    public void release(int token) { held.getAndDecrement(token); }

    /** Entries tenant {@code tenantId} holds in this queue now; 0 when it has no cap. */
    public int held(int tenantId) {
        int[] slotOf = limits.entryCaps().slotOf();
        int slot = tenantId >= 0 && tenantId < slotOf.length ? slotOf[tenantId] : -1;
        return slot < 0 ? 0 : held.get(slot);
    }

    /**
     * The owner of the packet's local port: the parsed port when a transport layer ran, the transport
     * header's when {@code ip_rcv} ran, else the frame's (a queue before {@code eth_rcv}).
     */
    private long ownerOf(Packet p) {
        if (p.dstPort != 0 && p.protocol != 0) return owners.ownerOf(p.protocol, p.dstPort);
        if (p.l4Offset >= 0 && p.protocol != 0) {
            if (p.protocol != OwnerTable.PROTO_UDP && p.protocol != OwnerTable.PROTO_TCP) return 0L;
            if (p.l4Offset + 4 > p.offset + p.length) return 0L;
            return owners.ownerOf(p.protocol, Bytes.u16(p.segment(), p.l4Offset + 2));
        }
        long t = FrameTuple.locate(p.segment(), p.offset, p.length);
        if (t == FrameTuple.NONE) return 0L;
        int protocol = Bytes.u8(p.segment(), FrameTuple.l3(t) + 9);
        if (protocol != OwnerTable.PROTO_UDP && protocol != OwnerTable.PROTO_TCP) return 0L;
        return owners.ownerOf(protocol, Bytes.u16(p.segment(), FrameTuple.l4(t) + 2));
    }
}
