// A JFR recording of a stack holds its drops by reason and its queues, sampled periodically.
package io.flexnet.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.engine.Engine;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.runtime.RealRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrEventsTest {
    @TempDir Path dir;

    @Test
    void aRecordingHoldsDropsByReasonAndQueueDepths() throws Exception {
        try (PacketPool pool = new PacketPool(64)) {
            Engine engine = new Engine(new InMemoryNic(pool, 1), Hosts.config(), RealRuntime.INSTANCE);
            engine.queue("rx-bulk", 16, CoroutineQueue.Concurrency.MPSC);
            for (int i = 0; i < 3; i++) engine.stack().receive(Packets.copy(pool, Frame.udp().badIpChecksum().build()));
            Path file = dir.resolve("stack.jfr");
            try (JfrEvents events = JfrEvents.register(engine, List::of); Recording r = new Recording()) {
                r.enable("flexnet.Drops").withPeriod(Duration.ofMillis(50));
                r.enable("flexnet.Queue").withPeriod(Duration.ofMillis(50));
                r.start();
                LockSupport.parkNanos(400_000_000L);
                r.stop();
                r.dump(file);
            }
            List<RecordedEvent> all = RecordingFile.readAllEvents(file);
            RecordedEvent drop = all.stream().filter(e -> e.getEventType().getName().equals("flexnet.Drops"))
                    .filter(e -> e.getString("reason").equals("bad-ip-checksum")).findFirst().orElseThrow();
            assertEquals("ip_rcv", drop.getString("stage"));
            assertEquals(3, drop.getLong("total"));
            long sinceLast = all.stream().filter(e -> e.getEventType().getName().equals("flexnet.Drops"))
                    .filter(e -> e.getString("reason").equals("bad-ip-checksum")).mapToLong(e -> e.getLong("packets")).sum();
            assertEquals(3, sinceLast, "the samples' deltas add up to the drops");
            assertTrue(all.stream().anyMatch(e -> e.getEventType().getName().equals("flexnet.Queue")
                    && e.getString("queue").equals("rx-bulk") && e.getInt("depth") == 0), all.toString());
            engine.close();
        }
    }
}
