package io.flexnet.nic;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A NIC whose wire is a pcap file: {@link #replay} feeds the file's frames into receive queues, hashed
 * and steered as an {@link InMemoryNic} does, and frames the stack transmits are written to a second
 * pcap file or, without one, discarded (still counted per transmit queue).
 *
 * <p>Replay is driven by the caller, a batch at a time, so a test or experiment decides the pace and
 * nothing runs behind its back. Frames the snaplen cut short are replayed as captured.
 *
 * <pre>{@code
 * try (PcapReplayNic nic = PcapReplayNic.open(in, pool, 4, PcapWriter.create(out))) {
 *     while (nic.replay(64) > 0) stack.poll(nic);
 * }
 * }</pre>
 */
public final class PcapReplayNic implements NicDriver {
    private final PcapReader reader;
    private final PcapWriter txCapture;
    private final InMemoryNic nic;
    private long replayed;
    private boolean finished;

    /** Replays {@code file} over {@code queues} RSS-steered queues; {@code txCapture} may be null. */
    public static PcapReplayNic open(Path file, PacketPool pool, int queues, PcapWriter txCapture) throws IOException {
        PcapReader reader = PcapReader.open(file);
        try {
            return new PcapReplayNic(reader, InMemoryNic.builder(pool).name("pcap-replay").queues(queues), txCapture);
        } catch (RuntimeException | IOException e) {
            reader.close();
            throw e;
        }
    }

    /**
     * Replays {@code reader} into a NIC built by {@code nic} (queues, RSS, steering, clock as configured;
     * its transmit handler is replaced). Owns and closes {@code reader} and {@code txCapture} (may be null).
     */
    public PcapReplayNic(PcapReader reader, InMemoryNic.Builder nic, PcapWriter txCapture) throws IOException {
        if (reader.linkType() != PcapWriter.LINKTYPE_ETHERNET) {
            throw new PcapFormatException("link type " + reader.linkType() + " cannot be replayed: only Ethernet ("
                    + PcapWriter.LINKTYPE_ETHERNET + ")");
        }
        this.reader = reader;
        this.txCapture = txCapture;
        TxHandler sink = txCapture == null
                ? (queue, p) -> { }
                : (queue, p) -> txCapture.write(p, EpochClock.nanos());
        this.nic = nic.txHandler(sink).build();
    }

    /**
     * Injects up to {@code max} more frames from the file and returns how many records it read (those
     * the NIC refused are in {@link #drops()}); 0 once the file is exhausted.
     */
    public int replay(int max) throws IOException {
        int n = 0;
        while (n < max && !finished) {
            if (!reader.next()) {
                finished = true;
                break;
            }
            nic.inject(reader.buffer(), reader.frameOffset(), reader.capturedLength());
            n++;
        }
        replayed += n;
        return n;
    }

    /** Replays the rest of the file; frames beyond the queues' room are counted as {@code rx-full}. */
    public long replayAll() throws IOException {
        long total = 0;
        for (int n; (n = replay(1024)) > 0; ) total += n;
        return total;
    }

    /** Records read from the file so far. */
    public long replayed() { return replayed; }

    /** True once the end of the file was reached. */
    public boolean finished() { return finished; }

    /** The NIC underneath, for its per-queue counters. */
    public InMemoryNic nic() { return nic; }

    @Override public String name() { return nic.name(); }
    @Override public PacketPool pool() { return nic.pool(); }
    @Override public int rxQueues() { return nic.rxQueues(); }
    @Override public int txQueues() { return nic.txQueues(); }
    @Override public int receive(int queue, Packet[] out, int max) { return nic.receive(queue, out, max); }
    @Override public boolean rxPending(int queue) { return nic.rxPending(queue); }
    @Override public boolean transmit(int queue, Packet p) { return nic.transmit(queue, p); }
    @Override public void setRxListener(RxListener listener) { nic.setRxListener(listener); }
    @Override public DropCounters drops() { return nic.drops(); }

    @Override
    public void close() {
        try {
            nic.close();
        } finally {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (txCapture != null) txCapture.close();
            }
        }
    }
}
