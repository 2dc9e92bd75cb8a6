package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.runtime.Quantum;
import java.util.List;

/**
 * Processor sharing by round robin with a quantum: each call runs one slice of the oldest request in
 * the queue, and a request still unfinished when its quantum is spent goes to the back of the same
 * queue. A 10 ms SCAN then takes one quantum in turn with the GETs behind it instead of holding the
 * worker for 10 ms.
 *
 * <p>Several workers, each with its own executor (its own {@link Quantum}), on one MPMC queue are
 * Shinjuku's design: one dispatcher queue, and workers that return preempted requests to the back of
 * it, to be resumed on whichever worker is free next. The queue must admit the workers as producers
 * (MPSC or MPMC), or be SPSC with the worker as its only producer too (it polls the NIC itself).
 *
 * <pre>{@code
 * Quantum q = runtime.quantumTimer(QuantumTimer.Wait.SLEEP).quantum("w0", 10_000);
 * e.poll(0, pipeline, 32, "w0", IdleStrategy.busySpin(), new ProcessorSharing(q, requests));
 * }</pre>
 */
public final class ProcessorSharing implements Executor {
    private final Quantum quantum;
    private final CoroutineQueue queue;
    private final Requeue back;

    public ProcessorSharing(Quantum quantum, CoroutineQueue queue) {
        this.quantum = java.util.Objects.requireNonNull(quantum, "quantum");
        this.queue = java.util.Objects.requireNonNull(queue, "queue");
        this.back = co -> queue;
    }

    /** One slice per call: the slice starts at the round's time, which a second slice would find stale. */
    @Override
    public int doWork(ExecContext ctx) { return ctx.resumeSlice(queue, quantum, back); }

    @Override public List<CoroutineQueue> queues() { return List.of(queue); }

    public Quantum quantum() { return quantum; }

    @Override public String name() { return "ProcessorSharing"; }
}
