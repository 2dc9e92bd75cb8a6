package io.flexnet.bench;

import io.flexnet.runtime.RealRuntime;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.HdrHistogram.Histogram;

/**
 * The floor under a cross-core hand-off: one cache line passed between the same two pinned cores as
 * {@link HandoffRig} uses, with nothing else. The calling thread stamps the time and a sequence number
 * into the line (the sequence with release, as a queue publishes its slot); a responder spinning on
 * the other core sees the new sequence (acquire), records the time since the stamp, and acknowledges
 * in a second line, which the caller waits for before the next. Same shape as the hand-off — stamp,
 * publish, spin, read the clock, acknowledge — so the hand-off's median divided by this one's is what
 * the queue, the coroutine and the worker's round add on this machine, in this run.
 */
public final class PingPongRig {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** The stamp and its sequence share one line; the acknowledgement has another, 128 bytes on (past the adjacent-line prefetch). */
    private static final int STAMP = 16, SEQ = 17, ACK = 32;

    private final long[] lines = new long[48];
    private final RealRuntime.Affinity affinity;
    private final int producerCore, responderCore;
    private final Histogram latency = new Histogram(10_000_000L, 3);
    private volatile boolean running;
    private volatile boolean recording;

    public PingPongRig(RealRuntime.Affinity affinity, int producerCore, int responderCore) {
        this.affinity = affinity;
        this.producerCore = producerCore;
        this.responderCore = responderCore;
    }

    /** Runs {@code warmup} then {@code count} passes; returns the one-way latency histogram in ns. */
    public Histogram run(int warmup, int count) {
        final RealRuntime rt = RealRuntime.INSTANCE;
        running = true;
        Thread responder = rt.newThread("ping-pong", this::respond);
        responder.start();
        affinity.pin(producerCore);
        try {
            loop(warmup);
            recording = true;  // read by the responder after the next pass publishes it
            loop(count);
        } finally {
            running = false;
            try {
                responder.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return latency;
    }

    private void loop(int n) {
        final long[] l = lines;
        final RealRuntime rt = RealRuntime.INSTANCE;
        long seq = (long) LONGS.getOpaque(l, SEQ);
        for (int i = 0; i < n; i++) {
            seq++;
            l[STAMP] = rt.nanoTime();
            LONGS.setRelease(l, SEQ, seq);
            while ((long) LONGS.getAcquire(l, ACK) != seq) rt.spinWait();
        }
    }

    private void respond() {
        affinity.pin(responderCore);
        final long[] l = lines;
        final RealRuntime rt = RealRuntime.INSTANCE;
        long seen = 0;
        while (running) {
            long seq = (long) LONGS.getAcquire(l, SEQ);
            if (seq == seen) {
                rt.spinWait();
                continue;
            }
            long t = rt.nanoTime() - l[STAMP];
            if (recording) latency.recordValue(Math.max(0, Math.min(t, 9_999_999L)));
            seen = seq;
            LONGS.setRelease(l, ACK, seq);
        }
    }
}
