// One place frames are captured: a filter, an interface in a pcapng file, and what it saw and kept.
package io.flexnet.interpose;

import io.flexnet.nic.PcapngWriter;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Interposer;
import io.flexnet.proto.LayerContext;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A capture point at a layer boundary or at the NIC: frames passing it that match its
 * {@link CaptureFilter} are written to a pcapng file as frames of the interface the point described
 * when it was made ({@code if_name} is the point's name, {@code if_description} says where it is and
 * what it selects). Several points may share one writer.
 *
 * <p>Capture never costs the stack a frame: {@link #offer} does not throw and does not keep the
 * packet; a frame the writer could not take is counted in {@link #errors()}. Counting uses
 * {@link LongAdder}s, so workers offering at once do not contend on one line.
 */
public final class CapturePoint implements Interposer {
    private final String name;
    private final CaptureFilter filter;
    private final PcapngWriter writer;
    private final int iface;
    private final int direction;
    private final LongSupplier epochNanos;
    private final LongAdder seen = new LongAdder(), captured = new LongAdder(), errors = new LongAdder();

    /**
     * Describes the point in {@code writer} at once.
     *
     * @param filter     what to keep; null keeps every frame
     * @param direction  {@link PcapngWriter#INBOUND}, {@link PcapngWriter#OUTBOUND} or {@code UNKNOWN}
     * @param epochNanos the wall clock stamping frames, in nanoseconds since the epoch
     */
    public CapturePoint(String name, String where, CaptureFilter filter, PcapngWriter writer, int direction,
                        LongSupplier epochNanos) {
        this.name = Objects.requireNonNull(name, "name");
        this.filter = filter;
        this.writer = Objects.requireNonNull(writer, "writer");
        this.direction = direction;
        this.epochNanos = Objects.requireNonNull(epochNanos, "epochNanos");
        this.iface = writer.addInterface(name, where + (filter == null ? "" : ", filter: " + filter.expression()));
    }

    /** Captures {@code p} if the filter selects it; returns whether it did. The packet stays the caller's. */
    public boolean offer(Packet p) {
        seen.increment();
        if (filter != null && !filter.matches(p)) return false;
        try {
            writer.write(iface, direction, p, epochNanos.getAsLong());
            captured.increment();
            return true;
        } catch (UncheckedIOException | IllegalStateException e) {
            errors.increment();
            return false;
        }
    }

    @Override
    public String name() { return name; }

    /**
     * As a pipeline step ({@code .ip().interpose(before).interpose(filter.ingress()).interpose(after)})
     * it captures the whole frame and lets it go on. On the receive path the frame is whole at every
     * boundary; on the send path headers are still being prepended, so capture sent frames at the NIC.
     */
    @Override
    public int process(Packet p, LayerContext cx) {
        offer(p);
        return NEXT;
    }

    public CaptureFilter filter() { return filter; }

    /** Frames offered. */
    public long seen() { return seen.sum(); }

    /** Frames the filter selected and the writer took. */
    public long captured() { return captured.sum(); }

    /** Frames selected that could not be written (a full disk, a closed pipe). */
    public long errors() { return errors.sum(); }

    @Override
    public String toString() {
        return name + (filter == null ? "" : " '" + filter.expression() + "'") + ": " + captured() + " of " + seen()
                + " frames captured" + (errors() == 0 ? "" : ", " + errors() + " failed");
    }
}
