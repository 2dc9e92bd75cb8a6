// The preemptive design's parameters and its SRTF estimate by request type, read from a real frame.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.workload.KvRequest;
import io.flexnet.workload.ServiceTime;
import io.flexnet.workload.UdpFrames;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class PreemptiveDesignTest {
    @Test
    void refusesAQuantumUnderAMicrosecondAndAnUnknownDiscipline() {
        ParamException e = assertThrows(ParamException.class,
                () -> new Preemptive().configure(Params.of("p", Map.of("quantum", "500ns"))));
        assertTrue(e.getMessage().contains("quantum' must be at least 1us"), e.getMessage());
        e = assertThrows(ParamException.class,
                () -> new Preemptive().configure(Params.of("p", Map.of("discipline", "lottery"))));
        assertTrue(e.getMessage().contains("fcfs, ps, srtf, las, shinjuku"), e.getMessage());
    }

    @Test
    void summarySaysDisciplineQuantumAndTimer() {
        Preemptive d = new Preemptive();
        d.configure(Params.of("p", Map.of("discipline", "srtf", "quantum", "5us", "timer", "spin")));
        assertEquals("preemptive: shortest remaining time first by request type, quantum 5 us, spinning timer; "
                + "1 worker (sleep when idle)", d.summary());
    }

    @Test
    void estimatesByTheRequestTypeInTheRawFrameAndInTheParsedPayload() {
        ServiceTime[] service = {null, new ServiceTime.Fixed(10_000), new ServiceTime.Fixed(10_000_000), null};
        ToLongFunction<Packet> byType = Preemptive.byType(service);
        try (PacketPool pool = new PacketPool(4)) {
            for (int type : new int[] {KvRequest.GET, KvRequest.SCAN, KvRequest.PUT}) {
                byte[] payload = new byte[KvRequest.LENGTH];
                Packet tmp = pool.allocate(new byte[64], 0, 64);
                KvRequest.write(tmp.segment(), tmp.offset, 7, type, 1, 2, 123);
                tmp.segment().asSlice(tmp.offset, payload.length).asByteBuffer().get(payload);
                tmp.release();
                byte[] frame = UdpFrames.frame(0x020000000002L, 0x020000000001L, 0xC6120001, 0xC6120002, 4000, 9000, payload);
                Packet p = pool.allocate(frame, 0, frame.length);
                long expected = type == KvRequest.GET ? 10_000 : type == KvRequest.SCAN ? 10_000_000 : 0;
                assertEquals(expected, byType.applyAsLong(p), "raw frame, type " + type);
                p.payloadOffset = p.offset + UdpFrames.HEADERS;  // as udp_rcv leaves it
                p.payloadLength = payload.length;
                assertEquals(expected, byType.applyAsLong(p), "parsed, type " + type);
                p.release();
            }
        }
    }
}
