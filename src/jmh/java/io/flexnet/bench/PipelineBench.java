package io.flexnet.bench;

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
 * The receive path on one core in each {@link PipelineRig} shape: hand-fused, then 0, 1, 2 and 4
 * suspension points compiled, and 0, 1, 4 interpreted; the fused path and one point again with the
 * device's checksum verdict ({@code fusedv}, {@code 1v}). One fresh JVM per shape, so one shape's
 * profile cannot deoptimize another's. Goals, as multiples of {@code fused} in the same run: one
 * point ≤ 1.25×, each extra point ≤ 0.2×; 0 bytes per packet ({@code -prof gc}, gc.alloc.rate.norm).
 *
 * <pre>{@code ./flexnet jmh PipelineBench -prof gc}</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PipelineBench {
    @Param({"fused", "0", "1", "2", "4", "0i", "1i", "4i", "fusedv", "1v"})
    public String shape;

    private PipelineRig rig;
    private long ops;

    @Setup
    public void setup() { rig = new PipelineRig(shape); }

    @Benchmark
    public long receive() {
        ops++;
        return rig.once();
    }

    @TearDown
    public void tearDown() {
        rig.check(ops);
        rig.close();
    }
}
