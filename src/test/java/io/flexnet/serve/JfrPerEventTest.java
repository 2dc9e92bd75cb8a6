// JFR events emitted as things happen: each drop, each contained fault, each change of a core grant.
package io.flexnet.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.PacketPool;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.PolicyInput;
import io.flexnet.policy.Tenants;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.ManualClock;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.sched.ExecContext;
import io.flexnet.sched.Executor;
import io.flexnet.sched.SleepUntilKicked;
import io.flexnet.sched.Worker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrPerEventTest {
    @TempDir Path dir;

    private static List<RecordedEvent> named(List<RecordedEvent> all, String name) {
        return all.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    @Test
    void dropsFaultsAndGrantsAreEventsOfTheirOwn() throws Exception {
        Path file = dir.resolve("events.jfr");
        try (PacketPool pool = new PacketPool(64); Tenants tenants = new Tenants().faultThreshold(3)) {
            ProtoStack stack = new ProtoStack(Hosts.config(), pool, p -> p.release(), new ManualClock(1));
            PolicyHook hook = tenants.hook("sockets", HookKind.SOCKET);
            tenants.register("bad", 7000).deploy(hook, new MatchingPolicy() {
                @Override public int schedule(PolicyInput in) { throw new IllegalStateException("boom"); }
                @Override public String name() { return "thrower"; }
            });
            Executor faulty = new Executor() {
                @Override public int doWork(ExecContext ctx) { throw new ArithmeticException("bad sum"); }
                @Override public String name() { return "faulty"; }
                @Override public List<io.flexnet.pipeline.CoroutineQueue> queues() { return List.of(); }
            };
            Worker worker = new Worker("w7", 7, RealRuntime.INSTANCE, new SleepUntilKicked(1_000_000_000L), List.of(faulty));
            try (Recording r = new Recording()) {
                // Every event, whatever another test's flood left of this second's budget: a recording may lift the throttle.
                for (String e : List.of("flexnet.Drop", "flexnet.PolicyFault", "flexnet.ExecutorFault")) {
                    r.enable(e).with("throttle", "off");
                }
                r.enable("flexnet.CoreGrant");
                r.start();
                // Three drops in ip_rcv (a bad header sum), each 14 + 20 + 8 + 10 bytes.
                for (int i = 0; i < 3; i++) stack.receive(Packets.copy(pool, Frame.udp().payload(10).badIpChecksum().build()));
                // Three faults of the tenant's policy; the third removes it.
                for (int i = 0; i < 3; i++) {
                    var p = Packets.parsed(pool, Frame.udp().from(Hosts.PEER).to(Hosts.US).ports(40_000, 7000).payload(20).build());
                    hook.choose(p, 4);
                    p.release();
                }
                worker.round(0);  // the executor throws; the worker contains it
                worker.setGranted(false);
                worker.setGranted(false);  // no change, no event
                worker.setGranted(true);
                r.stop();
                r.dump(file);
            }
            List<RecordedEvent> all = RecordingFile.readAllEvents(file);

            List<RecordedEvent> drops = named(all, "flexnet.Drop");
            assertEquals(3, drops.size(), all.stream().map(e -> e.getEventType().getName()).distinct().toList().toString());
            for (RecordedEvent d : drops) {
                assertEquals("ip_rcv", d.getString("stage"));
                assertEquals(DropReason.BAD_IP_CHECKSUM.label(), d.getString("reason"));
                assertEquals(14 + 20 + 8 + 10, d.getInt("bytes"));
            }
            List<RecordedEvent> faults = named(all, "flexnet.PolicyFault");
            assertEquals(List.of(1L, 2L, 3L), faults.stream().map(e -> e.getLong("faults")).toList());
            assertEquals(List.of(false, false, true), faults.stream().map(e -> e.getBoolean("removed")).toList());
            assertEquals("bad/sockets/thrower/java.lang.IllegalStateException: boom", faults.get(0).getString("tenant") + "/"
                    + faults.get(0).getString("hook") + "/" + faults.get(0).getString("policy") + "/" + faults.get(0).getString("fault"));
            List<RecordedEvent> ex = named(all, "flexnet.ExecutorFault");
            assertEquals(1, ex.size());
            assertEquals("w7 faulty java.lang.ArithmeticException: bad sum", ex.get(0).getString("worker") + " "
                    + ex.get(0).getString("executor") + " " + ex.get(0).getString("fault"));
            List<RecordedEvent> grants = named(all, "flexnet.CoreGrant");
            assertEquals(List.of("w7=false", "w7=true"),
                    grants.stream().map(e -> e.getString("worker") + "=" + e.getBoolean("granted")).toList());
        }
    }

    @Test
    void dropsAllocateNothingOnceTheRecordingIsOver() throws Exception {
        DropCounters drops = new DropCounters("after");
        try (Recording r = new Recording()) {
            r.enable("flexnet.Drop");
            r.start();
            drops.count(DropReason.POOL_EMPTY);
            r.stop();
        }
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (int i = 0; i < 100_000; i++) drops.count(DropReason.POOL_EMPTY);  // warm up
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) drops.count(DropReason.POOL_EMPTY);
        long bytes = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(bytes < 10_000, bytes + " bytes for 100,000 drops with JFR up but not recording them");
    }

    @Test
    void aFloodOfDropsIsThrottledWhileTheCountersStayExact() throws Exception {
        Path file = dir.resolve("flood.jfr");
        DropCounters drops = new DropCounters("flood");
        int n = 200_000;
        try (Recording r = new Recording()) {
            r.enable("flexnet.Drop");
            r.start();
            for (int i = 0; i < n; i++) drops.count(DropReason.POOL_EMPTY);
            r.stop();
            r.dump(file);
        }
        Map<String, Long> byStage = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("flexnet.Drop"))
                .collect(Collectors.groupingBy(e -> e.getString("stage"), Collectors.counting()));
        long kept = byStage.getOrDefault("flood", 0L);
        assertEquals(n, drops.get(DropReason.POOL_EMPTY));
        // Unthrottled, every drop would be an event; JFR keeps DropEvent.THROTTLE of them a second.
        assertTrue(kept >= 1 && kept < n / 10, "events kept of " + n + " drops: " + kept);
    }
}
