// A capture point pair at the NIC: frames as the stack receives them and as it hands them to the driver.
package io.flexnet.interpose;

import io.flexnet.nic.NicDriver;
import io.flexnet.nic.PcapngWriter;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Wraps a {@link NicDriver} as tcpdump sits on an interface, with a filter: received frames go through
 * the point {@code NAME:rx} (inbound), frames the stack transmits through {@code NAME:tx} (outbound),
 * captured before the driver takes them (once it has, the slot may already be reused). Both points
 * write to one pcapng file as two interfaces, so tshark tells them apart.
 */
public final class NicCapture implements NicDriver {
    private final NicDriver inner;
    private final PcapngWriter writer;
    private final CapturePoint rx, tx;

    /** Captures {@code inner} into {@code writer} through {@code filter} (null: every frame); owns both. */
    public NicCapture(NicDriver inner, CaptureFilter filter, PcapngWriter writer, LongSupplier epochNanos) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.rx = new CapturePoint(inner.name() + ":rx", "frames " + inner.name() + " received", filter, writer,
                PcapngWriter.INBOUND, epochNanos);
        this.tx = new CapturePoint(inner.name() + ":tx", "frames sent on " + inner.name(), filter, writer,
                PcapngWriter.OUTBOUND, epochNanos);
    }

    public CapturePoint rxPoint() { return rx; }

    public CapturePoint txPoint() { return tx; }

    public NicDriver inner() { return inner; }

    @Override
    public int receive(int queue, Packet[] out, int max) {
        int n = inner.receive(queue, out, max);
        for (int i = 0; i < n; i++) rx.offer(out[i]);
        return n;
    }

    @Override
    public boolean transmit(int queue, Packet p) {
        tx.offer(p);
        return inner.transmit(queue, p);
    }

    @Override public boolean rxPending(int queue) { return inner.rxPending(queue); }
    @Override public String name() { return inner.name(); }
    @Override public PacketPool pool() { return inner.pool(); }
    @Override public int rxQueues() { return inner.rxQueues(); }
    @Override public int txQueues() { return inner.txQueues(); }
    @Override public void setRxListener(RxListener listener) { inner.setRxListener(listener); }
    @Override public DropCounters drops() { return inner.drops(); }

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
