package io.flexnet.nic;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Records every frame passing through another {@link NicDriver} into a pcap file, as tcpdump on an
 * interface would: frames when the stack receives them, and frames the stack transmits at the moment it
 * hands them to the driver (before the driver may refuse them, like the kernel's transmit tap).
 *
 * <p>Capture must never cost the stack a frame: if the writer fails, the frame still goes through and
 * the failure is counted in {@link #captureErrors()}. Timestamps come from a wall clock in nanoseconds
 * since the epoch, {@link EpochClock} by default.
 */
public final class CapturingNic implements NicDriver {
    private final NicDriver inner;
    private final PcapWriter writer;
    private final LongSupplier epochNanos;
    private final AtomicLong captureErrors = new AtomicLong();

    /** Captures {@code inner} into {@code writer}; this NIC owns both and closes both. */
    public CapturingNic(NicDriver inner, PcapWriter writer) {
        this(inner, writer, EpochClock::nanos);
    }

    public CapturingNic(NicDriver inner, PcapWriter writer, LongSupplier epochNanos) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.epochNanos = Objects.requireNonNull(epochNanos, "epochNanos");
    }

    /** The driver being captured. */
    public NicDriver inner() { return inner; }

    public PcapWriter writer() { return writer; }

    /** Frames that went through but could not be written to the capture. */
    public long captureErrors() { return captureErrors.get(); }

    @Override
    public boolean rxPending(int queue) { return inner.rxPending(queue); }

    @Override
    public int receive(int queue, Packet[] out, int max) {
        int n = inner.receive(queue, out, max);
        for (int i = 0; i < n; i++) capture(out[i]);
        return n;
    }

    @Override
    public boolean transmit(int queue, Packet p) {
        // Before the hand-off: once the inner driver has the packet it may already be released.
        capture(p);
        return inner.transmit(queue, p);
    }

    private void capture(Packet p) {
        try {
            writer.write(p.segment(), p.offset, p.length, epochNanos.getAsLong());
        } catch (UncheckedIOException | IllegalStateException e) {
            captureErrors.incrementAndGet();
        }
    }

    @Override public String name() { return inner.name(); }
    @Override public PacketPool pool() { return inner.pool(); }
    @Override public int rxQueues() { return inner.rxQueues(); }
    @Override public int txQueues() { return inner.txQueues(); }
    @Override public void setRxListener(RxListener listener) { inner.setRxListener(listener); }
    @Override public DropCounters drops() { return inner.drops(); }
    /** The inner device's wait: capturing changes nothing about how arrivals wake a worker. */
    @Override public io.flexnet.runtime.KernelWait rxWait(int queue) { return inner.rxWait(queue); }
    // fillsChecksums() stays false: the stack then sums every frame itself, so the capture holds them whole.

    /** Closes the captured driver, then flushes and closes the capture file. */
    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            writer.close();
        }
    }
}
