package io.flexnet.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * Wall-clock time and platform threads. Pinning needs a CPU-affinity mechanism installed with
 * {@link #withAffinity}; without one, threads run where the OS puts them.
 */
public final class RealRuntime implements StackRuntime {
    public static final RealRuntime INSTANCE = new RealRuntime(null);

    /** Sets and reads a thread's CPU; the Linux implementation lives with the core scheduler. */
    public interface Affinity {
        boolean pin(int core);

        int currentCore();
    }

    private final Affinity affinity;

    private RealRuntime(Affinity affinity) { this.affinity = affinity; }

    public static RealRuntime withAffinity(Affinity affinity) { return new RealRuntime(affinity); }

    @Override public long nanoTime() { return System.nanoTime(); }

    @Override
    public Thread newThread(String name, Runnable body) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(body);
        return t;
    }

    @Override public void park(long nanos) { LockSupport.parkNanos(nanos); }

    @Override public void unpark(Thread thread) { LockSupport.unpark(thread); }

    @Override public void spinWait() { Thread.onSpinWait(); }

    @Override public void yieldThread() { Thread.yield(); }

    @Override public boolean pin(int core) { return affinity != null && affinity.pin(core); }

    @Override public int currentCore() { return affinity == null ? -1 : affinity.currentCore(); }

    @Override public int cores() { return Runtime.getRuntime().availableProcessors(); }
}
