package io.flexnet.policy;

import io.flexnet.nic.RxSteering;
import io.flexnet.packet.Packet;

/**
 * A policy hook at the NIC's choice of receive queue (Syrup's XDP-offload hook), in place of RSS.
 * Tenants' policies choose for their ports; {@code PASS} and frames nobody owns go to the fallback
 * steering (RSS by default). {@code DROP} answers {@link RxSteering#DROP}, which the NIC drops
 * (and counts as {@code policy-drop}).
 */
public final class RxQueueHook implements RxSteering {
    private final PolicyHook hook;
    private final RxSteering fallback;

    public RxQueueHook(PolicyHook hook, RxSteering fallback) {
        if (hook.kind() != HookKind.NIC_RX_QUEUE) throw new IllegalArgumentException(hook + " is not a NIC receive-queue hook");
        this.hook = hook;
        this.fallback = fallback;
    }

    @Override
    public int queueFor(Packet p, int queues) {
        int r = hook.choose(p, queues);
        if (r >= 0) return r;
        return r == MatchingPolicy.PASS ? fallback.queueFor(p, queues) : RxSteering.DROP;
    }

    public PolicyHook hook() { return hook; }
}
