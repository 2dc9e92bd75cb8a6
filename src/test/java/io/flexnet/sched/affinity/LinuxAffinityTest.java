package io.flexnet.sched.affinity;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexnet.runtime.RealRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Pins fresh threads (never the test runner's own: children inherit a pinned mask) and reads the result
 * back through the kernel, independently of the code under test where possible.
 */
class LinuxAffinityTest {
    private static LinuxAffinity linux() {
        RealRuntime.Affinity a = LinuxAffinity.orUnpinned();
        assumeTrue(a instanceof LinuxAffinity, "no Linux affinity here: " + a);
        return (LinuxAffinity) a;
    }

    /** Runs {@code body} on a new platform thread and rethrows what it threw. */
    private static void onFreshThread(ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join(10_000);
        assertFalse(t.isAlive(), "pinning thread did not finish");
        if (failure.get() instanceof AssertionError ae) throw ae;
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    interface ThrowingRunnable { void run() throws Exception; }

    @Test
    void allowedCoresMatchTheKernelsListForThisProcess() throws Exception {
        LinuxAffinity a = linux();
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.isReadable(status), "no /proc");
        String line = Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .findFirst().orElseThrow().substring("Cpus_allowed_list:".length()).trim();
        assertArrayEquals(parseList(line), a.allowedCores(), "kernel says " + line);
    }

    @Test
    void pinsAThreadToEachAllowedCoreAndReadsItBack() throws Exception {
        LinuxAffinity a = linux();
        for (int core : a.allowedCores()) {
            onFreshThread(() -> {
                assertTrue(a.pin(core), "pin to " + core);
                assertArrayEquals(new int[] {core}, a.currentAllowedCores());
                // Busy a little and yield: a pinned thread must stay on its core through rescheduling.
                for (int i = 0; i < 50; i++) {
                    assertEquals(core, a.currentCore(), "sched_getcpu after pinning to " + core);
                    Thread.yield();
                }
                assertEquals(core, kernelCpuOfThisThread(), "/proc says the thread last ran elsewhere");
                assertTrue(a.unpin());
                assertArrayEquals(a.allowedCores(), a.currentAllowedCores());
            });
        }
    }

    @Test
    void refusesACoreOutsideTheAllowedSetAndLeavesTheThreadAsItWas() throws Exception {
        LinuxAffinity a = linux();
        int[] allowed = a.allowedCores();
        int outside = allowed[allowed.length - 1] + 1;
        onFreshThread(() -> {
            assertFalse(a.pin(outside));
            assertFalse(a.pin(-1));
            assertArrayEquals(allowed, a.currentAllowedCores());
        });
    }

    @Test
    void aRuntimeWithLinuxAffinityPinsItsCaller() throws Exception {
        LinuxAffinity a = linux();
        RealRuntime rt = RealRuntime.withAffinity(a);
        int core = a.allowedCores()[0];
        onFreshThread(() -> {
            assertTrue(rt.pin(core));
            assertEquals(core, rt.currentCore());
        });
    }

    /** Field 39 of /proc/thread-self/stat: the CPU the thread last ran on. */
    private static int kernelCpuOfThisThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[39 - 3]);  // fields 3.. follow the command name
    }

    private static int[] parseList(String list) {
        List<Integer> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String[] r = part.split("-");
            int lo = Integer.parseInt(r[0]), hi = r.length > 1 ? Integer.parseInt(r[1]) : lo;
            for (int c = lo; c <= hi; c++) out.add(c);
        }
        return out.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    @Test
    void unpinnedAffinityPinsNothing() {
        RealRuntime.Affinity u = Unpinned.because("test");
        assertFalse(u.pin(0));
        assertEquals(-1, u.currentCore());
        assertTrue(u.toString().contains("test"));
    }
}
