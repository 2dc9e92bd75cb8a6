// The generator's frames: valid UDP/IPv4, request ids in order, classes, types, flows and work as the workload says.
package io.flexnet.workload;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
    static Workload workload(Workload.GeneratorWait wait) {
        ServiceTime[] service = new ServiceTime[4];
        service[KvRequest.GET] = new ServiceTime.Fixed(10_000);
        service[KvRequest.SCAN] = new ServiceTime.Fixed(700_000);
        return new Workload("poisson", 50, List.of(
                new RequestClass("lc", 9000, 3, new double[] {0, 1, 0, 0}, KvRequest.LENGTH),
                new RequestClass("batch", 9001, 1, new double[] {0, 0.5, 0.5, 0}, 200)),
                service, 1000, 99, wait);
    }

    @Test
    void sendsWellFormedRequestsAsTheWorkloadSays() {
        PacketPool pool = new PacketPool(16384);
        InMemoryNic nic = InMemoryNic.builder(pool).queueCapacity(16384).build();
        LatencyMeter meter = new LatencyMeter(2, 1 << 16, System::nanoTime);
        Workload w = workload(Workload.GeneratorWait.SPIN);
        LoadGenerator gen = new LoadGenerator(nic, w, 200_000, meter, Addresses.DEFAULT, io.flexnet.runtime.RealRuntime.INSTANCE);
        gen.run(System.nanoTime() + 1_000_000, 0, 30_000_000);  // ~6000 requests in 30 ms of intended time

        Packet[] batch = new Packet[256];
        long expectedId = 0;
        int[] perClass = new int[2];
        int scans = 0, batchGets = 0;
        Set<Integer> flows = new HashSet<>();
        Addresses a = Addresses.DEFAULT;
        for (int n; (n = nic.receive(0, batch, batch.length)) > 0; ) {
            for (int i = 0; i < n; i++) {
                Packet p = batch[i];
                MemorySegment s = p.segment();
                long ip = p.offset + EthernetHeader.HEADER_LENGTH, udp = ip + 20, payload = udp + 8;
                assertEquals(a.stackMac(), io.flexnet.packet.Bytes.u48(s, p.offset));
                assertTrue(Ipv4Header.checksumOk(s, ip), "IPv4 checksum");
                assertTrue(UdpHeader.checksumOk(s, udp, a.clientIp(), a.stackIp()), "UDP checksum");
                assertEquals(expectedId++, KvRequest.id(s, payload), "ids in send order");
                int port = UdpHeader.dstPort(s, udp);
                int type = KvRequest.type(s, payload);
                long work = KvRequest.serviceNanos(s, payload);
                flows.add(UdpHeader.srcPort(s, udp));
                assertEquals(port == 9000 ? 1 : 2, KvRequest.user(s, payload), "user id is the class's number");
                if (port == 9000) {
                    perClass[0]++;
                    assertEquals(KvRequest.GET, type);
                    assertEquals(UdpFrames.HEADERS + KvRequest.LENGTH, p.length);
                } else {
                    assertEquals(9001, port);
                    perClass[1]++;
                    assertEquals(UdpFrames.HEADERS + 200, p.length, "class payload size");
                    if (type == KvRequest.SCAN) scans++;
                    else batchGets++;
                }
                assertEquals(type == KvRequest.SCAN ? 700_000 : 10_000, work, "service time by type");
                p.release();
            }
        }
        long total = perClass[0] + perClass[1];
        assertEquals(gen.sent(), total, "every request reached the NIC");
        assertTrue(total > 4000, "about 6000 requests, got " + total);
        assertEquals(0.75, perClass[0] / (double) total, 0.03, "class shares 3:1");
        assertEquals(0.5, scans / (double) (scans + batchGets), 0.06, "batch mix 50/50");
        assertTrue(flows.size() > 40 && flows.size() <= 50, "50 flows, saw " + flows.size());
        assertEquals(pool.capacity(), pool.available());
        nic.close();
        pool.close();
    }

    @Test
    void sameSeedSendsTheSameRequests() {
        long[] first = ids(workload(Workload.GeneratorWait.HYBRID)), second = ids(workload(Workload.GeneratorWait.HYBRID));
        assertArrayEquals(first, second);
    }

    /** Destination port, type and flow of the first 500 requests, packed. */
    private static long[] ids(Workload w) {
        PacketPool pool = new PacketPool(4096);
        InMemoryNic nic = InMemoryNic.builder(pool).queueCapacity(4096).build();
        LoadGenerator gen = new LoadGenerator(nic, w, 1_000_000, new LatencyMeter(2, 4096, System::nanoTime), Addresses.DEFAULT, io.flexnet.runtime.RealRuntime.INSTANCE);
        gen.run(System.nanoTime(), 0, 1_000_000);
        Packet[] batch = new Packet[4096];
        int n = nic.receive(0, batch, batch.length);
        long[] out = new long[Math.min(n, 500)];
        for (int i = 0; i < n; i++) {
            Packet p = batch[i];
            long udp = p.offset + EthernetHeader.HEADER_LENGTH + 20;
            if (i < out.length) {
                out[i] = ((long) UdpHeader.dstPort(p.segment(), udp) << 32) | ((long) KvRequest.type(p.segment(), udp + 8) << 16)
                        | UdpHeader.srcPort(p.segment(), udp);
            }
            p.release();
        }
        nic.close();
        pool.close();
        return out;
    }
}
