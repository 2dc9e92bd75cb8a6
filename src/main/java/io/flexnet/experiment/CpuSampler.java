// Measures the cores the stack really uses: CPU time of its threads, sampled on a timer.
package io.flexnet.experiment;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * Sums the CPU time of the stack's threads — every thread named {@code flexnet-...}: workers, NIC
 * pollers, the core scheduler, application threads — so "cores used" means the same for every design:
 * CPU seconds per second, whether a worker spins idle, sleeps, or serves. The load generator and the
 * runner are not counted (they are named otherwise).
 */
final class CpuSampler {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    /** Thread id -> counted or not; names are looked up once per thread. */
    private final Map<Long, Boolean> stack = new HashMap<>();

    CpuSampler() {
        if (mx.isThreadCpuTimeSupported() && !mx.isThreadCpuTimeEnabled()) mx.setThreadCpuTimeEnabled(true);
    }

    boolean supported() { return mx.isThreadCpuTimeSupported(); }

    /** CPU nanoseconds used so far by the live stack threads. */
    long stackCpuNanos() {
        long sum = 0;
        for (long id : mx.getAllThreadIds()) {
            Boolean counted = stack.get(id);
            if (counted == null) {
                ThreadInfo info = mx.getThreadInfo(id);
                if (info == null) continue;  // ended meanwhile
                counted = info.getThreadName().startsWith("flexnet-");
                stack.put(id, counted);
            }
            if (counted) {
                long t = mx.getThreadCpuTime(id);
                if (t > 0) sum += t;
            }
        }
        return sum;
    }
}
