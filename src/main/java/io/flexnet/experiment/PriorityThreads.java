// Syrup's thread scheduling policy (ghOSt, Figure 8): threads serving GETs first, SCAN threads preempted at will.
package io.flexnet.experiment;

import io.flexnet.sched.CoreMatching;
import io.flexnet.sched.Signals;

/**
 * The thread-to-core matching of Syrup's Figure 8 as a {@link CoreMatching} policy: every period, the
 * socket threads with work are ranked — those not serving a SCAN first (they serve GETs, or are about
 * to look at their next request), then those in a SCAN — and the first of them get the cores, a
 * thread keeping the core it holds when it still ranks. A SCAN thread ranked out loses its core at
 * its next chunk ({@link SocketServer}'s {@code chunk}), as ghOSt preempts a thread at will; threads
 * with nothing to do hold no core. Within a rank, threads are taken in turn from a rotating start, so
 * no SCAN waits forever while cores are free.
 *
 * <p>Asked per core by {@link CoreMatching}; decides for all cores on the first call of a period.
 */
final class PriorityThreads implements CoreMatching.Policy {
    private final SocketServer[] servers;
    private final int[] cores;
    private final int[] chosenFor;   // per core index: worker, or -1
    private final boolean[] taken;
    private long period = -1;
    private int rotate;

    /** {@code servers[w]}: worker w's socket server; {@code cores}: the cores matched, in CoreMatching's order. */
    PriorityThreads(SocketServer[] servers, int[] cores) {
        this.servers = servers.clone();
        this.cores = cores.clone();
        this.chosenFor = new int[cores.length];
        this.taken = new boolean[servers.length];
    }

    @Override
    public int workerFor(int core, Signals s) {
        if (s.period() != period || period < 0) decide(s);
        for (int i = 0; i < cores.length; i++) if (cores[i] == core) return chosenFor[i];
        return -1;
    }

    private void decide(Signals s) {
        period = s.period();
        final int n = servers.length;
        java.util.Arrays.fill(chosenFor, -1);
        java.util.Arrays.fill(taken, false);
        int free = cores.length;
        // Two ranks: 0 = not in a SCAN, 1 = in a SCAN. Holders first within each rank, then the rest.
        for (int rank = 0; rank < 2 && free > 0; rank++) {
            for (int pass = 0; pass < 2 && free > 0; pass++) {
                for (int k = 0; k < n && free > 0; k++) {
                    int w = (rotate + k) % n;
                    if (taken[w] || !servers[w].hasWork() || (servers[w].servingScan() ? 1 : 0) != rank) continue;
                    int held = s.core(w);
                    int at = held < 0 ? -1 : indexOf(held);
                    if (pass == 0) {
                        if (at < 0 || chosenFor[at] >= 0) continue;  // holders keep their own core
                    } else {
                        at = firstFree();
                    }
                    chosenFor[at] = w;
                    taken[w] = true;
                    free--;
                }
            }
        }
        rotate = (rotate + 1) % Math.max(1, n);
    }

    private int indexOf(int core) {
        for (int i = 0; i < cores.length; i++) if (cores[i] == core) return i;
        return -1;
    }

    private int firstFree() {
        for (int i = 0; i < cores.length; i++) if (chosenFor[i] < 0) return i;
        return -1;
    }
}
