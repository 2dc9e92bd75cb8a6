package io.flexnet.bench;

import io.flexnet.runtime.sim.CostModel;
import io.flexnet.runtime.sim.Duty;
import io.flexnet.runtime.sim.SimRuntime;
import io.flexnet.runtime.sim.SimThread;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The simulated runtime's own cost per event, on one core: {@code timers} is the event queue alone
 * (1,024 periodic timers, one event each per 1,024 ns window); {@code threads} is the scheduler
 * model (16 busy threads time-sliced on 8 virtual cores, each round spending 1 µs: 1,024 rounds per
 * 128 µs window, with a context switch every slice); {@code sleepers} wakes 8 sleeping threads on 8
 * cores from a timer, one job each, every 1 µs (kick, wake, round, idle check, sleep: 3 events a job).
 * Results are ns per event; events per second is their inverse.
 *
 * <pre>{@code ./flexnet jmh SimEventsBench}</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SimEventsBench {
    private SimRuntime timers, threads, sleepers;
    private long tTimers, tThreads, tSleepers;

    @Setup(Level.Trial)
    public void setUp() {
        timers = new SimRuntime(1, CostModel.FREE);
        for (int i = 0; i < 1024; i++) timers.every(1024, i, t -> { });
        threads = new SimRuntime(8, CostModel.FREE);  // free: a round is exactly its 1 µs spend
        for (int i = 0; i < 16; i++) {
            SimRuntime sim = threads;
            threads.thread("busy" + i, i % 8, new Duty() {
                @Override public int round(long now) { sim.spend(1_000); return 1; }
                @Override public boolean hasWork() { return true; }
                @Override public boolean sleepsWhenIdle() { return true; }
            }).kick();
        }
        sleepers = new SimRuntime(8, CostModel.FREE);
        SimThread[] ts = new SimThread[8];
        int[] jobs = new int[8];
        for (int i = 0; i < 8; i++) {
            int me = i;
            SimRuntime sim = sleepers;
            ts[i] = sleepers.thread("sleeper" + i, i, new Duty() {
                @Override public int round(long now) {
                    if (jobs[me] == 0) return 0;
                    jobs[me]--;
                    sim.spend(300);
                    return 1;
                }
                @Override public boolean hasWork() { return jobs[me] > 0; }
                @Override public boolean sleepsWhenIdle() { return true; }
            });
        }
        sleepers.every(1_000, 0, t -> {
            for (int i = 0; i < 8; i++) {
                jobs[i]++;
                ts[i].kick();
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public long timers() {
        tTimers += 1024;
        timers.runUntil(tTimers);
        return timers.events();
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public long threads() {
        tThreads += 128_000;
        threads.runUntil(tThreads);
        return threads.events();
    }

    /** 25 events per µs: the timer, and per thread its wake, its round and its idle check. */
    @Benchmark
    @OperationsPerInvocation(25 * 40)
    public long sleepers() {
        tSleepers += 40_000;
        sleepers.runUntil(tSleepers);
        return sleepers.events();
    }
}
