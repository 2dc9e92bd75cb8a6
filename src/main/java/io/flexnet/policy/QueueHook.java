package io.flexnet.policy;

import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Selector;

/**
 * A policy hook at a pipeline's {@code queue(selector, queues...)} point (Syrup's CPU-redirect hook):
 * use it as that point's selector. Tenants' policies choose among the point's {@code queues} for their
 * ports; {@code PASS} and inputs nobody owns go to the fallback selector; {@code DROP} answers
 * {@link Selector#DROP}, which the pipeline drops as {@code policy-drop}.
 *
 * <pre>{@code
 * QueueHook sel = new QueueHook(tenants.hook("rx-cores", HookKind.RX_QUEUE), 2, p -> 0);
 * PipelineBuilder.rx("syrup", stack::layer).queue(sel, q0, q1).eth().ip().l4().socket().build();
 * }</pre>
 */
public final class QueueHook implements Selector {
    private final PolicyHook hook;
    private final int queues;
    private final Selector fallback;

    public QueueHook(PolicyHook hook, int queues, Selector fallback) {
        if (hook.kind() == HookKind.NIC_RX_QUEUE || hook.kind() == HookKind.SOCKET) {
            throw new IllegalArgumentException(hook + " is not a queue hook");
        }
        if (queues < 1) throw new IllegalArgumentException("queues must be >= 1");
        this.hook = hook;
        this.queues = queues;
        this.fallback = fallback;
    }

    @Override
    public int select(Packet p) {
        int r = hook.choose(p, queues);
        if (r >= 0) return r;
        return r == MatchingPolicy.PASS ? fallback.select(p) : Selector.DROP;
    }

    public PolicyHook hook() { return hook; }
    public int queues() { return queues; }

    /** Its policies choose among {@link #queues()} queues. */
    @Override
    public int range() { return queues; }
}
