package io.flexnet.bench;

import io.flexnet.packet.Checksum;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one's-complement sum over a slot, at the receive path's sizes: 72 bytes is the UDP checksum of a
 * 64-byte payload (header and payload), 20 an IPv4 header, 1480 a full-MTU datagram. The set-up sums
 * every length from 0 to 200 first, so the JIT sees the mix of lengths a real stack does, not one.
 *
 * <pre>{@code ./flexnet jmh ChecksumBench}</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public class ChecksumBench {
    @Param({"20", "72", "1480"})
    public int length;

    private PacketPool pool;
    private Packet p;

    @Setup
    public void setup() {
        pool = new PacketPool(2);
        p = pool.allocate();
        for (int i = 0; i < pool.maxFrame(); i++) p.segment().set(ValueLayout.JAVA_BYTE, p.offset + i, (byte) (i * 31));
        long mix = 0;
        for (int round = 0; round < 50; round++) {
            for (int len = 0; len <= 200; len++) mix += Checksum.sum(p.segment(), p.offset + 1, len, 0);
        }
        if (mix == 42) throw new IllegalStateException("unreachable: keeps the warm-up from being dropped");
    }

    @Benchmark
    public long sum() { return Checksum.sum(p.segment(), p.offset + 34, length, 0); }

    @TearDown
    public void tearDown() {
        p.release();
        pool.close();
    }
}
