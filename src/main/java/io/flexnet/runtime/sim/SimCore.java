// A virtual core: the thread on it, its run queue, and how much of its time went to rounds.
package io.flexnet.runtime.sim;

/**
 * One virtual core. At most one thread holds it (running or polling); others that want it wait in its
 * run queue, a small array scanned for the least virtual runtime as CFS's tree would give it.
 */
final class SimCore {
    final int index;
    SimThread current;
    SimThread[] queue = new SimThread[4];
    int queued;
    /** The least vruntime seen here: where a thread waking after a long sleep is placed (CFS's min_vruntime). */
    long minVruntime;
    /** Time with a thread on it (running or polling), and time in rounds that did work. */
    long usedNanos, busyNanos;
    private long heldSince = -1;

    SimCore(int index) { this.index = index; }

    void enqueue(SimThread t, long seq) {
        if (queued == queue.length) queue = java.util.Arrays.copyOf(queue, queued * 2);
        t.queuedSeq = seq;
        queue[queued++] = t;
    }

    /** Removes and returns the waiting thread with the least vruntime (first come among equals), or null. */
    SimThread pickNext() {
        if (queued == 0) return null;
        int best = 0;
        for (int i = 1; i < queued; i++) {
            SimThread a = queue[i], b = queue[best];
            if (a.vruntime < b.vruntime || (a.vruntime == b.vruntime && a.queuedSeq < b.queuedSeq)) best = i;
        }
        SimThread t = queue[best];
        queue[best] = queue[--queued];
        queue[queued] = null;
        if (t.vruntime > minVruntime) minVruntime = t.vruntime;
        return t;
    }

    boolean remove(SimThread t) {
        for (int i = 0; i < queued; i++) {
            if (queue[i] == t) {
                queue[i] = queue[--queued];
                queue[queued] = null;
                return true;
            }
        }
        return false;
    }

    void hold(SimThread t, long now) {
        current = t;
        heldSince = now;
    }

    void release(long now) {
        if (heldSince >= 0) usedNanos += now - heldSince;
        heldSince = -1;
        current = null;
    }

    /** Used time up to {@code now}, counting the current holder's time so far. */
    long usedAt(long now) { return usedNanos + (heldSince >= 0 ? now - heldSince : 0); }
}
