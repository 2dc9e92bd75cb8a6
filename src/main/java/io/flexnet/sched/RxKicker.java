package io.flexnet.sched;

import io.flexnet.nic.NicDriver;
import java.util.List;

/**
 * Routes a NIC's receive notifications to the pollers of its queues, waking their sleeping workers.
 * A queue polled by several workers (shared receive polling) wakes each of them that sleeps: any may
 * be the one its core policy lets run.
 */
public final class RxKicker {
    private RxKicker() {}

    public static void install(NicDriver nic, List<NicPoll> pollers) {
        NicPoll[][] byQueue = new NicPoll[nic.rxQueues()][0];
        for (NicPoll p : pollers) {
            if (p.nic() != nic) throw new IllegalArgumentException("poller of another NIC");
            NicPoll[] was = byQueue[p.rxQueue()];
            NicPoll[] now = java.util.Arrays.copyOf(was, was.length + 1);
            now[was.length] = p;
            byQueue[p.rxQueue()] = now;
        }
        nic.setRxListener(q -> {
            for (NicPoll p : byQueue[q]) p.rxReady();
        });
    }
}
