// The generator's send loop and the reply meter allocate nothing per request: measured with the JVM's per-thread counter.
package io.flexnet.workload;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class WorkloadAllocationTest {
    static com.sun.management.ThreadMXBean counter() {
        var threads = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        return (com.sun.management.ThreadMXBean) threads;
    }

    @Test
    void generatorAllocatesNothingPerRequest() {
        var counter = counter();
        long me = Thread.currentThread().threadId();
        ServiceTime[] service = new ServiceTime[4];
        service[KvRequest.GET] = new ServiceTime.Uniform(10_000, 12_000);
        service[KvRequest.SCAN] = new ServiceTime.Bimodal(0.5, 100_000, 700_000);
        Workload w = new Workload("poisson", 50, List.of(
                new RequestClass("a", 9000, 1, new double[] {0, 0.9, 0.1, 0}, 64),
                new RequestClass("b", 9001, 1, new double[] {0, 1, 0, 0}, 1400)),
                service, 1000, 5, Workload.GeneratorWait.SPIN);
        try (PacketPool pool = new PacketPool(1024)) {
            // Nobody polls the NIC: once its ring is full every frame is dropped as rx-full and its slot
            // released, which exercises the whole send path without a consumer.
            InMemoryNic nic = InMemoryNic.builder(pool).queueCapacity(512).build();
            LatencyMeter meter = new LatencyMeter(2, 1 << 16, System::nanoTime);
            long[] bytes = new long[3];
            int[] requests = {100_000, 100_000, 300_000};
            for (int i = 0; i < 3; i++) {
                LoadGenerator gen = new LoadGenerator(nic, w, 10_000_000, meter, Addresses.DEFAULT, io.flexnet.runtime.RealRuntime.INSTANCE);
                long before = counter.getThreadAllocatedBytes(me);
                gen.run(System.nanoTime(), 0, requests[i] * 100L);  // 10M/s: it sends as fast as it can
                bytes[i] = counter.getThreadAllocatedBytes(me) - before;
                assertEquals(requests[i], gen.sent(), requests[i] * 0.02, "Poisson count of the window");
            }
            // The first run warms the JIT; the last sends 200k more requests than the second.
            long perRequestGrowth = bytes[2] - bytes[1];
            System.out.printf("generator allocation: %d bytes for 100k requests, %d for 300k%n", bytes[1], bytes[2]);
            assertTrue(perRequestGrowth < 4096, "200k more requests allocated " + perRequestGrowth + " more bytes");
            nic.close();
            assertEquals(pool.capacity(), pool.available());
        }
    }

    @Test
    void meterAllocatesNothingPerReply() {
        var counter = counter();
        long me = Thread.currentThread().threadId();
        try (PacketPool pool = new PacketPool(4)) {
            LatencyMeter m = new LatencyMeter(1, 1 << 10, System::nanoTime);
            m.window(0, Long.MAX_VALUE);
            byte[] payload = new byte[KvRequest.LENGTH];
            Addresses a = Addresses.DEFAULT;
            byte[] frame = UdpFrames.frame(a.clientMac(), a.stackMac(), a.stackIp(), a.clientIp(), 9000, 1024, payload);
            Packet p = pool.allocate(frame, 0, frame.length);
            long payloadAt = p.offset + UdpFrames.HEADERS;
            Runnable round = () -> {
                for (int i = 0; i < 1000; i++) {
                    KvRequest.write(p.segment(), payloadAt, i, KvRequest.GET, 1, 2, 3);
                    m.sent(i, System.nanoTime() - 5000, 0);
                    m.onTransmit(0, p);
                }
            };
            for (int i = 0; i < 50; i++) round.run();
            long before = counter.getThreadAllocatedBytes(me);
            for (int i = 0; i < 100; i++) round.run();
            long allocated = counter.getThreadAllocatedBytes(me) - before;
            System.out.printf("meter allocation: %d bytes over 100000 replies%n", allocated);
            assertTrue(allocated < 4096, allocated + " bytes over 100000 replies");
            assertEquals(150_000, m.take(0).getTotalCount());
            p.release();
        }
    }
}
