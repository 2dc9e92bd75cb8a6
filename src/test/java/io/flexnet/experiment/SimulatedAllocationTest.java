// A simulated run allocates nothing per packet: the event loop, the workers, the generator and the meter all run on this thread.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In a simulated run every event (the generator's sends, the NIC poller, the socket servers, the core
 * scheduler, the meter) runs on the caller's thread, so that thread's allocation counter sees all of
 * the per-packet path. Two runs differing only in duration differ by a few hundred thousand packets;
 * their allocations must differ by far less than a byte per packet. What does grow with time is
 * bounded or logged, not per packet: the cores timeline adds a point per 50 ms, a core policy's
 * timeline an entry per grant (so compacting is left out), and a socket hook's policy input is made
 * once per packet slot the first time the slot reaches it (each run has a new pool).
 */
class SimulatedAllocationTest {
    private static final String FILE = """
            name: alloc
            workload:
              flows: 50
              seed: 13
              classes:
                - {name: get, port: 9000, share: 0.995, mix: {GET: 1}}
                - {name: scan, port: 9000, share: 0.005, mix: {SCAN: 1}}
              service:
                GET: uniform 10us 12us
                SCAN: fixed 700us
            loads: [200000]
            warmup: 20ms
            duration: DURATION
            runtime: {kind: simulated, cores: 7}
            designs:
              - {name: d, builtin: DESIGN}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"socket-group, params: {policy: scan-avoid, threads: 6}",
            "snap, params: {mode: dedicated, cores: 4}", "port-queues, params: {workers: 4}"})
    void zeroBytesPerSimulatedPacket(String design) throws Exception {
        measure(FILE.replace("DESIGN", design), design);
    }

    /**
     * Over TCP the per-request path is longer: the client's TCP writes each request and reads each reply,
     * the stack's TCP delivers in place and the request server parses the frames; none of it allocates.
     */
    @ParameterizedTest
    @ValueSource(strings = {"run-to-completion, params: {cores: 4}", "port-queues, params: {workers: 4}",
            "socket-group, params: {threads: 6}"})
    void zeroBytesPerSimulatedRequestOverTcp(String design) throws Exception {
        measure(FILE.replace("DESIGN", design).replace("  flows: 50\n", "  flows: 50\n  transport: tcp\n"), design + " over TCP");
    }

    private static void measure(String f, String design) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        var counter = (com.sun.management.ThreadMXBean) mx;
        long me = Thread.currentThread().threadId();
        run(f.replace("DURATION", "100ms"));  // class loading and first-time set-up
        long b0 = counter.getThreadAllocatedBytes(me);
        run(f.replace("DURATION", "600ms"));
        long b1 = counter.getThreadAllocatedBytes(me);
        run(f.replace("DURATION", "1600ms"));
        long b2 = counter.getThreadAllocatedBytes(me);
        long shortRun = b1 - b0, longRun = b2 - b1;
        long extraPackets = 200_000;  // a second more at 200,000 requests/s
        double perPacket = (double) (longRun - shortRun) / extraPackets;
        System.out.printf("%s: %d B for a 600 ms run, %d B for 1600 ms: %.3f B per extra request%n",
                design, shortRun, longRun, perPacket);
        assertTrue(perPacket < 0.5, perPacket + " bytes per simulated request");
    }

    private static void run(String text) throws Exception {
        Results r = new Runner(null, null).run(ExperimentFile.parse("alloc.yaml", text));
        assertTrue(r.rows().getFirst().health().leakedSlots() == 0);
    }
}
