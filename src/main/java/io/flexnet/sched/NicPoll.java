package io.flexnet.sched;

import io.flexnet.nic.NicDriver;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.WakeSource;
import java.util.List;

/**
 * Takes frames from one NIC receive queue, up to {@code batch} per call, and starts the receive
 * pipeline's coroutine for each: it runs on this worker until its first suspension point (Listing 1's
 * {@code queue()} before L2) or to the end. Frames get their arrival time from the batch's clock if
 * the driver did not stamp them.
 */
public final class NicPoll implements Executor, WakeSource {
    private final NicDriver nic;
    private final int rxQueue;
    private final Pipeline pipeline;
    private final Coroutines coroutines;
    private final Packet[] frames;
    private volatile CoroutineQueue.Sleeper sleeper;
    /** The worker sleeps in this queue's kernel wait, which ends by itself when frames are there. */
    private volatile boolean sleptOn;

    public NicPoll(NicDriver nic, int rxQueue, Pipeline pipeline, Coroutines coroutines, int batch) {
        if (rxQueue < 0 || rxQueue >= nic.rxQueues()) {
            throw new IllegalArgumentException("NIC " + nic.name() + " has no receive queue " + rxQueue);
        }
        if (coroutines.pool() != nic.pool()) {
            throw new IllegalArgumentException("coroutines must be made for the NIC's packet pool");
        }
        this.nic = nic;
        this.rxQueue = rxQueue;
        this.pipeline = pipeline;
        this.coroutines = coroutines;
        this.frames = new Packet[batch];
    }

    @Override
    public int doWork(ExecContext ctx) {
        final Packet[] f = frames;
        int n = nic.receive(rxQueue, f, f.length);
        final long now = ctx.now();
        for (int i = 0; i < n; i++) {
            Packet p = f[i];
            f[i] = null;
            if (p.arrivalNanos == 0) p.arrivalNanos = now;
            coroutines.of(p).start(pipeline, ctx.layers());
        }
        return n;
    }

    @Override public List<CoroutineQueue> queues() { return List.of(); }

    /** Frames wake a worker, not enqueues: the poller itself is the wake source. */
    @Override public List<WakeSource> wakeSources() { return List.of(this); }

    /**
     * The NIC's listener kicks a worker sleeping on this poller; one listener per NIC, see {@link RxKicker}.
     * One sleeper: a receive queue has one polling worker.
     */
    @Override
    public void addSleeper(CoroutineQueue.Sleeper s) { sleeper = s; }

    @Override
    public void removeSleeper(CoroutineQueue.Sleeper s) { if (sleeper == s) sleeper = null; }

    /** Called by the NIC's receive listener. */
    void rxReady() {
        CoroutineQueue.Sleeper s = sleeper;
        if (s != null && s.sleeping()) s.kick();
    }

    /**
     * True: a sleeping worker must not sleep through frames the NIC already holds. Not asked of the
     * device when the worker sleeps in this queue's own kernel wait: that poll(2) returns at once if
     * frames are there, so asking first would be a second system call for the same answer.
     */
    @Override
    public boolean hasWork() { return !sleptOn && nic.rxPending(rxQueue); }

    /** Said by the worker that chose this queue's kernel wait to sleep in. */
    void sleepsInKernelWait() { sleptOn = true; }

    /** The kernel wait that ends when the queue has frames, when the driver offers one (see {@link NicDriver#rxWait}). */
    public io.flexnet.runtime.KernelWait kernelWait() { return nic.rxWait(rxQueue); }

    public int rxQueue() { return rxQueue; }
    public NicDriver nic() { return nic; }
}
