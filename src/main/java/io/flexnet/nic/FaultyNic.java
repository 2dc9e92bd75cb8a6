package io.flexnet.nic;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.function.LongSupplier;

/**
 * A NIC whose transmit path crosses a {@link FaultLink}: a wrapper, not a patch (STYLE §17), so any
 * driver — the in-memory NIC of a test, a TAP device of an experiment — can be made lossy, slow or
 * unreliable without the stack above knowing. Receiving is the inner driver's, unchanged; a frame
 * transmitted goes into the link and reaches the inner driver's transmit when the link releases it,
 * which is checked on every transmit and on {@link #poll}: a test on a manual clock advances the
 * clock, then polls.
 *
 * <p>Two stacks on one simulated wire: give each an {@link InMemoryNic} whose {@link TxHandler}
 * injects into the other's, and wrap each in a {@code FaultyNic} with its own seed:
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * InMemoryNic a = InMemoryNic.builder(poolA).clock(clock::nanoTime).txHandler((q, p) -> b.inject(p.segment(), p.offset, p.length)).build();
 * FaultyNic lossyA = new FaultyNic(a, Faults.NONE.loss(0.05).delay(MILLI, 0), 1, clock::nanoTime);
 * ... clock.advance(MILLI); lossyA.poll(); lossyB.poll(); // then let each stack receive
 * }</pre>
 *
 * <p>Thread-safety is the link's: one thread transmits and polls.
 */
public final class FaultyNic implements NicDriver {
    private final NicDriver inner;
    private final FaultLink link;
    private final FaultLink.Out toInner;

    public FaultyNic(NicDriver inner, Faults faults, long seed, LongSupplier clock) {
        this.inner = java.util.Objects.requireNonNull(inner, "inner");
        this.link = new FaultLink(inner.name() + "-faults", faults, seed, clock);
        this.toInner = inner::transmit;      // made once: polling allocates nothing
    }

    /** Releases to the inner driver every held frame whose time has come; returns how many. */
    public int poll() { return link.poll(toInner); }

    /** When the next held frame is due ({@link Long#MAX_VALUE} when none is): when to advance a manual clock to. */
    public long nextDue() { return link.nextDue(); }

    public FaultLink link() { return link; }

    public NicDriver inner() { return inner; }

    @Override
    public boolean transmit(int queue, Packet p) {
        boolean taken = link.offer(queue, p);
        link.poll(toInner);
        return taken;
    }

    @Override public String name() { return inner.name(); }
    @Override public PacketPool pool() { return inner.pool(); }
    @Override public int rxQueues() { return inner.rxQueues(); }
    @Override public int txQueues() { return inner.txQueues(); }
    @Override public int receive(int queue, Packet[] out, int max) { return inner.receive(queue, out, max); }
    @Override public boolean rxPending(int queue) { return inner.rxPending(queue); }
    @Override public void setRxListener(RxListener listener) { inner.setRxListener(listener); }
    /** Receiving is the inner driver's, so is the wait its workers sleep in. */
    @Override public io.flexnet.runtime.KernelWait rxWait(int queue) { return inner.rxWait(queue); }
    // fillsChecksums() stays false: a frame corrupted on the link must reach the peer with sums that show it.

    /** The link's drops (loss, rate limit, ...); the inner driver's are {@code inner().drops()}. */
    @Override public DropCounters drops() { return link.drops(); }

    /** Releases held frames (counted as {@code shutdown}), then closes the inner driver. */
    @Override
    public void close() {
        link.close();
        inner.close();
    }

    @Override
    public String toString() { return "faulty(" + inner + ", " + link.faults() + ")"; }
}
