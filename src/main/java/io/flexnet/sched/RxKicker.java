package io.flexnet.sched;

import io.flexnet.nic.NicDriver;
import java.util.List;

/** Routes a NIC's receive notifications to the pollers of its queues, waking their sleeping workers. */
public final class RxKicker {
    private RxKicker() {}

    public static void install(NicDriver nic, List<NicPoll> pollers) {
        NicPoll[] byQueue = new NicPoll[nic.rxQueues()];
        for (NicPoll p : pollers) {
            if (p.nic() != nic) throw new IllegalArgumentException("poller of another NIC");
            byQueue[p.rxQueue()] = p;
        }
        nic.setRxListener(q -> {
            NicPoll p = byQueue[q];
            if (p != null) p.rxReady();
        });
    }
}
