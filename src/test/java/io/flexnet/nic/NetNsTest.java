// The namespace helper cleans up after itself: namespaces, commands left running, leftovers of killed JVMs.
package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NetNsTest {

    @BeforeEach
    void needsNamespaces() {
        NetNs.assumeAvailable();
    }

    private static boolean exists(String ns) {
        return Shell.run(Shell.QUICK, "ip", "netns", "list").orFail().stdout().lines()
                .anyMatch(l -> l.split(" ", 2)[0].equals(ns));
    }

    @Test
    void deletesNamespaceAndStopsItsCommandsOnClose() {
        String name;
        Shell.Spawned sleeper;
        try (NetNs ns = NetNs.create()) {
            name = ns.name();
            assertTrue(exists(name));
            sleeper = ns.spawn("sleep", "30");
            assertTrue(sleeper.isAlive());
        }
        assertFalse(exists(name), name + " survived close");
        assertFalse(sleeper.isAlive(), "a command inside survived close");
    }

    @Test
    void runsCommandsInsideItsOwnNetwork() {
        try (NetNs ns = NetNs.create()) {
            // A new namespace has only loopback, down: proof the command did not run in the root namespace.
            String links = ns.exec(Shell.QUICK, "ip", "-o", "link").orFail().stdout();
            assertEquals(1, links.lines().count(), links);
            assertTrue(links.contains(": lo:"), links);
        }
    }

    @Test
    void killsCommandAtItsTimeout() {
        try (NetNs ns = NetNs.create()) {
            long start = System.nanoTime();
            Shell.Result r = ns.exec(Duration.ofMillis(300), "sleep", "20");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(r.timedOut() && !r.ok(), r.describe());
            assertTrue(tookMillis < 5000, "took " + tookMillis + " ms");
        }
    }

    @Test
    void removesNamespacesOfJvmsThatNoLongerRun() {
        long dead = deadPid();
        String orphan = "fxns-" + dead + "-1";
        Shell.run(Shell.QUICK, "ip", "netns", "add", orphan).orFail();
        try {
            NetNs.removeLeftovers();
            assertFalse(exists(orphan), orphan + " was left");
        } finally {
            Shell.run(Shell.QUICK, "ip", "netns", "del", orphan);
        }
    }

    @Test
    void keepsNamespacesOfRunningJvms() {
        try (NetNs ns = NetNs.create()) {
            NetNs.removeLeftovers();
            assertTrue(exists(ns.name()));
        }
    }

    private static long deadPid() {
        for (long pid = 4_000_000; pid > 1_000_000; pid--) {
            if (ProcessHandle.of(pid).isEmpty()) return pid;
        }
        throw new AssertionError("no free pid found");
    }
}
