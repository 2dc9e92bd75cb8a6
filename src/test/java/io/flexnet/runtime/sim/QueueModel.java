package io.flexnet.runtime.sim;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * An open queueing system driven through the simulator as the stack is: Poisson arrivals from a timer
 * into one FIFO queue, served by {@code servers} simulated threads pinned one per core, each taking the
 * head and {@code spend}ing its service time. It measures the mean wait in queue (arrival to the start of
 * service) and the time-average queue length, for Little's law.
 */
final class QueueModel {
    final SimRuntime sim;
    private final long[] arrivals = new long[1 << 16];
    private final long[] services = new long[1 << 16];
    private long head, tail;
    private final SplittableRandom rng;
    private final double meanGapNanos;
    private final LongSupplier service;
    private final SimThread[] servers;
    private final SimTimer arrive;
    private long skip;
    long served;
    double waitSum;
    /** Integral of queue length over time, and when it was last moved. */
    private double area;
    private long areaFrom, lastChange;
    long arrived;

    QueueModel(int servers, double lambdaPerNano, LongSupplier service, long seed, long warmupCustomers) {
        this.sim = new SimRuntime(servers, CostModel.FREE);
        this.rng = new SplittableRandom(seed);
        this.meanGapNanos = 1 / lambdaPerNano;
        this.service = service;
        this.skip = warmupCustomers;
        this.servers = new SimThread[servers];
        for (int i = 0; i < servers; i++) {
            this.servers[i] = sim.thread("server" + i, i, new Duty() {
                @Override public int round(long now) { return serve(now); }
                @Override public boolean hasWork() { return head < tail; }
                @Override public boolean sleepsWhenIdle() { return true; }
            });
        }
        this.arrive = sim.timer(this::arrive);
        arrive.at(0);
    }

    SplittableRandom rng() { return rng; }

    private double gap() { return -Math.log(1 - rng.nextDouble()) * meanGapNanos; }

    private double next;

    private void arrive(long now) {
        move(now);
        int i = (int) (tail & (arrivals.length - 1));
        if (tail - head == arrivals.length) throw new IllegalStateException("queue model overflow");
        arrivals[i] = now;
        services[i] = service.getAsLong();
        tail++;
        arrived++;
        for (SimThread s : servers) if (s.idle()) s.kick();
        next += gap();
        arrive.at((long) next);
    }

    private int serve(long now) {
        if (head == tail) return 0;
        move(now);
        int i = (int) (head & (arrivals.length - 1));
        long wait = now - arrivals[i];
        head++;
        if (skip > 0) {
            if (--skip == 0) {
                area = 0;
                areaFrom = now;
                waitSum = 0;
                served = 0;
            }
        } else {
            waitSum += wait;
            served++;
        }
        sim.spend(services[i]);
        return 1;
    }

    private void move(long now) {
        area += (double) (tail - head) * (now - lastChange);
        lastChange = now;
    }

    /** Runs until {@code customers} have been served after the warm-up. */
    QueueModel run(long customers) {
        long step = 10_000_000;
        while (skip > 0 || served < customers) sim.runUntil(sim.nanoTime() + step);
        return this;
    }

    double meanWait() { return waitSum / served; }

    /** Time-average number waiting since the warm-up ended. */
    double meanQueueLength() {
        move(sim.nanoTime());
        return area / (sim.nanoTime() - areaFrom);
    }

    /** Arrivals per nanosecond measured over the same interval. */
    double measuredRate(long arrivedAtWarmup) { return (double) (arrived - arrivedAtWarmup) / (sim.nanoTime() - areaFrom); }
}
