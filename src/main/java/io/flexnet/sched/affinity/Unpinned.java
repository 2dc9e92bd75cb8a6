package io.flexnet.sched.affinity;

import io.flexnet.runtime.RealRuntime;

/** Pins nothing and knows no core; made with the reason, which is logged once when it is made. */
public final class Unpinned implements RealRuntime.Affinity {
    private final String reason;

    private Unpinned(String reason) { this.reason = reason; }

    static Unpinned because(String reason) {
        System.getLogger(Unpinned.class.getName()).log(System.Logger.Level.WARNING,
                reason + ": stack threads run unpinned");
        return new Unpinned(reason);
    }

    @Override public boolean pin(int core) { return false; }

    @Override public int currentCore() { return -1; }

    public String reason() { return reason; }

    @Override
    public String toString() { return "Unpinned(" + reason + ")"; }
}
