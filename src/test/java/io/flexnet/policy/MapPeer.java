package io.flexnet.policy;

import java.nio.file.Path;

/**
 * The other process in {@link MapFileTest}: opens a pinned map by path and, once the parent raises
 * the start flag, adds to a shared counter concurrently with the parent, then publishes a value of
 * its own for the parent to read.
 *
 * <p>Usage: {@code MapPeer FILE ADDS}. Keys: 0 start flag (parent sets 1), 1 shared counter,
 * 2 the parent's value, 3 this process's answer (the parent's value + 1), 4 done flag, 5 ready flag.
 */
public final class MapPeer {
    public static void main(String[] args) throws Exception {
        try (PolicyMap m = Maps.open(Path.of(args[0]))) {
            long adds = Long.parseLong(args[1]);
            long deadline = System.nanoTime() + 30_000_000_000L;
            m.put(5, 1);  // ready: the parent starts both of us together
            while (m.get(0) != 1) {
                if (System.nanoTime() > deadline) System.exit(2);
                Thread.onSpinWait();
            }
            for (long i = 0; i < adds; i++) m.add(1, 1);
            m.put(3, m.get(2) + 1);
            m.put(4, 1);
        }
    }
}
