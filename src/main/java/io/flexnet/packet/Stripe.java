package io.flexnet.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/**
 * Gives each thread its own counter stripe so counting on the per-packet path is a plain increment,
 * as per-CPU counters do in a kernel. A thread claims stripe {@code threadId & MASK} the first time it
 * counts; a thread whose stripe belongs to another live thread gets {@link #SHARED}, whose counters are
 * updated atomically (correct, slower). A dead thread's stripe is taken over with what it counted.
 */
public final class Stripe {
    public static final int STRIPES = 64;
    public static final int SHARED = STRIPES;
    private static final int MASK = STRIPES - 1;

    private static final long[] OWNER = new long[STRIPES];
    /**
     * Weak: a dead thread's stripe is taken over anyway, and a strong reference would keep the thread,
     * its task and everything that reaches (a whole stack with its pool) alive until that happens.
     */
    @SuppressWarnings("unchecked")
    private static final WeakReference<Thread>[] THREADS = (WeakReference<Thread>[]) new WeakReference<?>[STRIPES];
    private static final VarHandle OWNER_VH = MethodHandles.arrayElementVarHandle(long[].class);

    private Stripe() {}

    /** This thread's stripe, in {@code [0, STRIPES)}, or {@link #SHARED}. */
    public static int current() {
        long tid = Thread.currentThread().threadId();
        int s = (int) (tid & MASK);
        // Plain read: only this thread ever writes its own id here, so seeing it means it is ours.
        return OWNER[s] == tid ? s : claimSlow(tid, s);
    }

    private static synchronized int claimSlow(long tid, int s) {
        long owner = (long) OWNER_VH.getVolatile(OWNER, s);
        if (owner == tid) return s;
        WeakReference<Thread> ref = THREADS[s];
        Thread holder = ref == null ? null : ref.get();
        if (owner == 0 || holder == null || !holder.isAlive()) {
            THREADS[s] = new WeakReference<>(Thread.currentThread());
            OWNER_VH.setVolatile(OWNER, s, tid);
            return s;
        }
        return SHARED;
    }
}
