// Experiments over TCP: every built-in design answers framed requests on persistent connections, real and simulated.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TcpTransportTest {
    /**
     * Requests of 64 B and of 4,000 B (three segments each) over eight connections per port, at a low
     * rate: wiring and accounting, never speed.
     */
    static final String WORKLOAD = """
            workload:
              transport: tcp
              flows: 8
              seed: 5
              classes:
                - {name: lc, port: 9000, share: 3, payload: 64}
                - {name: bulk, port: 9001, mix: {GET: 0.9, SCAN: 0.1}, payload: 4000}
              service:
                GET: fixed 5us
                SCAN: fixed 50us
            """;

    static final String REAL = "name: tcp-real\n" + WORKLOAD + """
            loads: [2000]
            warmup: 100ms
            duration: 300ms
            designs:
              - {name: rtc, builtin: run-to-completion}
              - {name: rtc-2, builtin: run-to-completion, params: {cores: 2}}
              - {name: iso, builtin: port-queues, params: {isolate: [9000]}}
              - {name: shared, builtin: port-queues, params: {workers: 2}}
              - {name: relocated, builtin: port-queues, params: {isolate: [9000], tx_workers: 1}}
              - {name: spreading, builtin: snap, params: {mode: spreading}}
              - {name: vanilla, builtin: socket-group}
              - {name: rr, builtin: socket-group, params: {policy: round-robin, threads: 3}}
              - {name: ps, builtin: preemptive, params: {discipline: ps, quantum: 5us}}
              - {name: shinjuku, builtin: preemptive, params: {discipline: shinjuku, quantum: 10us, workers: 2}}
            """;

    @Test
    void everyBuiltInDesignAnswersEveryRequestOverTcp() throws Exception {
        Experiment x = ExperimentFile.parse("tcp-real", REAL);
        Results r = new Runner(null, null).prime(false).run(x);
        assertEquals(x.designs().size(), r.rows().size());
        for (Row row : r.rows()) {
            String d = row.design();
            assertEquals(0, row.health().faults(), d + ": no executor faults");
            assertEquals(0, row.health().leakedSlots(), d + ": every slot back in the pool");
            long sent = row.classes().stream().mapToLong(Row.ClassRow::sent).sum();
            assertTrue(sent > 300, d + ": ~600 requests in the window, sent " + sent);
            // Over TCP nothing is lost for good: every request is answered (a lost segment is sent again).
            assertEquals(0, row.drops().unanswered(), d + ": unanswered, dropped " + row.drops().text());
            assertTrue(row.latency().p50Us() >= 5.0, d + ": no reply before its 5 us of work, p50 " + row.latency().p50Us());
            assertTrue(row.classRow("bulk").latency().p99Us() >= 5.0, d);
        }
    }

    @Test
    void simulatedRunsOverTcpAreDeterministicAndAnswerEverything() throws Exception {
        String file = "name: tcp-sim\n" + WORKLOAD + """
                loads: [20000]
                warmup: 20ms
                duration: 200ms
                runtime: {kind: simulated, cores: 4}
                designs:
                  - {name: rtc, builtin: run-to-completion, params: {cores: 2}}
                  - {name: iso, builtin: port-queues, params: {isolate: [9000], workers: 2}}
                  - {name: relocated, builtin: port-queues, params: {isolate: [9000], tx_workers: 1}}
                  - {name: compacting, builtin: snap, params: {mode: compacting, cores: 3}}
                  - {name: vanilla, builtin: socket-group, params: {threads: 2}}
                  - {name: shinjuku, builtin: preemptive, params: {discipline: shinjuku, quantum: 10us, workers: 2}}
                """;
        Results a = new Runner(null, null).run(ExperimentFile.parse("sim.yaml", file));
        Results b = new Runner(null, null).run(ExperimentFile.parse("sim.yaml", file));
        assertEquals(Report.csv(a), Report.csv(b));
        for (Row row : a.rows()) {
            String d = row.design();
            assertEquals(0, row.health().faults(), d);
            assertEquals(0, row.health().leakedSlots(), d);
            assertEquals(0, row.drops().unanswered(), d + " " + row.drops().text());
            assertEquals(row.offeredRps(), row.achievedRps(), 0.1 * row.offeredRps(), d);
            // The work is real in virtual time: a 5 us GET cannot be answered sooner.
            assertTrue(row.classRow("lc").latency().p50Us() >= 5.0, d + " p50 " + row.classRow("lc").latency().p50Us());
        }
    }

    /**
     * A request of 1 MiB is 725 segments the server takes in place and answers only at the last. They
     * must be acknowledged every second one as they come (RFC 5681), not once per delayed-ACK timer:
     * before that rule held in place, the uploads here took 1.3 s at the p99 (virtual time, the same
     * every run), the client's send buffers filled and requests were lost as socket-full.
     */
    @Test
    void aRequestOfManySegmentsIsAcknowledgedAsItComesNotByTheDelayedAckTimer() throws Exception {
        Results r = new Runner(null, null).run(ExperimentFile.parse("bulk.yaml", """
                name: bulk
                workload:
                  transport: tcp
                  flows: 2
                  classes:
                    - {name: rpc, port: 9000, share: 0.9, payload: 64}
                    - {name: huge, port: 9001, share: 0.1, mix: {PUT: 1}, payload: 1048576}
                  service:
                    GET: fixed 10us
                    PUT: fixed 100us
                loads: [200]
                warmup: 200ms
                duration: 2s
                runtime: {kind: simulated, cores: 2}
                designs:
                  - {name: rtc, builtin: run-to-completion}
                  - {name: shared, builtin: port-queues, params: {workers: 2}}
                """));
        for (Row row : r.rows()) {
            String d = row.design();
            assertEquals(0, row.drops().total(), d + " " + row.drops().text());
            assertEquals(0, row.drops().unanswered(), d);
            double p99 = row.classRow("huge").latency().p99Us();
            assertTrue(p99 < 40_000, d + ": a 1 MiB upload's p99 is " + p99 + " us, a delayed-ACK timer or more");
        }
    }

    @Test
    void aSocketGroupPolicyThatReadsRequestsIsRefusedOverTcpWithItsReason() throws Exception {
        Experiment x = ExperimentFile.parse("tcp-sita", "name: tcp-sita\n" + WORKLOAD + """
                loads: [1000]
                warmup: 10ms
                duration: 50ms
                designs:
                  - {name: sita, builtin: socket-group, params: {policy: sita, threads: 2}}
                """);
        DesignFailedException e = assertThrows(DesignFailedException.class, () -> new Runner(null, null).prime(false).run(x));
        assertTrue(e.getMessage().contains("once per connection, at its handshake"), e.getMessage());
        assertTrue(e.getMessage().contains("sita"), e.getMessage());
    }

    @Test
    void aTcpPayloadMayExceedADatagramButAUdpOneMayNot() {
        String big = "name: big\n" + WORKLOAD.replace("payload: 4000", "payload: 100000") + """
                loads: [1000]
                designs:
                  - {name: rtc, builtin: run-to-completion}
                """;
        assertDoesNotThrow(() -> ExperimentFile.parse("big.yaml", big));
        ExperimentFileException e = assertThrows(ExperimentFileException.class,
                () -> ExperimentFile.parse("big.yaml", big.replace("transport: tcp", "transport: udp")));
        assertTrue(e.getMessage().contains("payload"), e.getMessage());
        ExperimentFileException t = assertThrows(ExperimentFileException.class,
                () -> ExperimentFile.parse("t.yaml", big.replace("transport: tcp", "transport: sctp")));
        assertTrue(t.getMessage().contains("transport must be udp or tcp, got 'sctp'"), t.getMessage());
    }
}
