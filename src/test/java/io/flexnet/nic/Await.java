// Bounded waiting for a condition that another thread or process makes true.
package io.flexnet.nic;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

public final class Await {
    private Await() {}

    /** Polls {@code condition} every 0.2 ms until it holds; fails with {@code state} at the deadline. */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeout + ": " + state.get());
            LockSupport.parkNanos(200_000);
        }
    }
}
