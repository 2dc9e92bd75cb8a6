// A tenant's cap on entries in a shared coroutine queue: its flood fills its share, the rest stays free.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;
import io.flexnet.packet.DropReason;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.EntryLimit;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.Selectors;
import io.flexnet.proto.LayerContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantEntriesTest {
    static final Owner FLOOD = new Owner("flood", "f", "flooder"), CALM = new Owner("calm", "c", "server");

    /** {@code queue(shared) eth ip l4 socket}: one queue all tenants share, as a design with one NIC queue has. */
    private static Pipeline rx(FilterRig rig, CoroutineQueue shared) {
        return PipelineBuilder.rx("shared-rx", rig.stack::layer).queue(p -> 0, shared).eth().ip().l4().socket().build();
    }

    private static void arrive(FilterRig rig, Pipeline rx, int dstPort) {
        rig.coroutines.of(Packets.copy(rig.pool, Frame.udp().ports(40000, dstPort).payload(16).build()))
                .start(rx, LayerContext.at(0));
    }

    private static int serve(CoroutineQueue q, int max) {
        int n = 0;
        for (Coroutine co; n < max && (co = q.poll(0)) != null; n++) co.resume(LayerContext.at(0));
        return n;
    }

    @Test
    void aFloodingTenantHoldsItsShareAndTheRestStaysFreeForTheOthers() {
        try (FilterRig rig = new FilterRig()) {
            rig.open(5001);
            rig.open(6001);
            rig.owners.bind(OwnerTable.PROTO_UDP, 5001, FLOOD);
            rig.owners.bind(OwnerTable.PROTO_UDP, 6001, CALM);
            rig.owners.limits().set(rig.owners.id("flood"), TenantLimits.Limit.entries(48));
            CoroutineQueue shared = new CoroutineQueue("shared", 64, CoroutineQueue.Concurrency.SPSC);
            TenantEntries entries = rig.owners.entryLimit();
            shared.limitEntries(entries);
            Pipeline rx = rx(rig, shared);

            // Without the cap the flood would fill all 64 entries and every calm request after it would
            // be dropped as queue-full. With it, flood holds 48 and calm finds room every time.
            int calmSent = 0;
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 40; i++) arrive(rig, rx, 5001);
                for (int i = 0; i < 4; i++, calmSent++) arrive(rig, rx, 6001);
                assertTrue(entries.held(rig.owners.id("flood")) <= 48, "flood within its share");
                serve(shared, 20);  // the worker takes 20 entries per round: the flood outruns it
            }
            serve(shared, Integer.MAX_VALUE);
            assertEquals(0, shared.full(), "the queue itself never filled");
            assertEquals(50 * 40 + calmSent - rig.delivered.get(), shared.overLimit(), "every refusal counted");
            assertEquals(shared.overLimit(), rx.drops().get(DropReason.QUEUE_OVER_LIMIT), "under its own reason");
            assertEquals(0, entries.held(rig.owners.id("flood")), "every entry given back as it left");
            // Every one of calm's requests delivered: count them by what the flood did not get through.
            long floodDelivered = 50 * 40 - shared.overLimit();
            assertEquals(calmSent, rig.delivered.get() - floodDelivered);
        }
    }

    @Test
    void withoutACapTheSameFloodStarvesTheOtherTenant() {
        // The control: the same traffic into the same queue with no entry limit. If this stopped losing
        // calm's requests, the test above would prove nothing.
        try (FilterRig rig = new FilterRig()) {
            rig.open(5001);
            rig.open(6001);
            CoroutineQueue shared = new CoroutineQueue("shared", 64, CoroutineQueue.Concurrency.SPSC);
            Pipeline rx = rx(rig, shared);
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 40; i++) arrive(rig, rx, 5001);
                for (int i = 0; i < 4; i++) arrive(rig, rx, 6001);
                serve(shared, 20);
            }
            serve(shared, Integer.MAX_VALUE);
            assertTrue(shared.full() > 100, "calm's requests found the queue full: " + shared.full());
        }
    }

    @Test
    void packetsWithoutAPortOrWithoutACappedOwnerPassUncounted() {
        try (FilterRig rig = new FilterRig()) {
            rig.owners.bind(OwnerTable.PROTO_UDP, 5001, FLOOD);
            rig.owners.bind(OwnerTable.PROTO_TCP, 5002, FLOOD);
            rig.owners.limits().set(rig.owners.id("flood"), TenantLimits.Limit.entries(1));
            TenantEntries entries = rig.owners.entryLimit();
            List<io.flexnet.packet.Packet> held = new ArrayList<>();
            try {
                held.add(Packets.copy(rig.pool, Frame.icmpEcho().build()));
                assertEquals(EntryLimit.UNCAPPED, entries.admit(held.getLast()), "ICMP has no port");
                held.add(Packets.copy(rig.pool, Frame.udp().ports(40000, 7).build()));
                assertEquals(EntryLimit.UNCAPPED, entries.admit(held.getLast()), "nobody holds port 7");
                held.add(Packets.copy(rig.pool, Frame.udp().ports(40000, 5001).build()));
                int token = entries.admit(held.getLast());
                assertTrue(token >= 0, "flood's first entry taken");
                held.add(Packets.copy(rig.pool, Frame.tcp().ports(40000, 5002).build()));
                assertEquals(EntryLimit.REFUSED, entries.admit(held.getLast()), "TCP counts against the same share");
                entries.release(token);
                assertTrue(entries.admit(held.getLast()) >= 0, "room again once the entry left");
                // A packet a layer already parsed is classified from its fields.
                io.flexnet.packet.Packet parsed = held.get(1);
                parsed.protocol = OwnerTable.PROTO_UDP;
                parsed.dstPort = 5001;
                assertEquals(EntryLimit.REFUSED, entries.admit(parsed));
                assertEquals(5001, Selectors.dstPort(parsed));
            } finally {
                held.forEach(io.flexnet.packet.Packet::release);
            }
        }
    }

    @Test
    void capsAreReplacedAndLiftedAndRefusedPastTheirNumber() {
        TenantLimits limits = new OwnerTable().limits();
        limits.set(3, TenantLimits.Limit.entries(5));
        limits.set(3, TenantLimits.Limit.entries(7));
        assertEquals(7, limits.entryCaps().capOf()[limits.entryCaps().slotOf()[3]], "a new cap replaces the old in its slot");
        limits.set(3, new TenantLimits.Limit(4, 100));
        assertEquals(-1, limits.entryCaps().slotOf()[3], "lifted");
        for (int t = 1; t <= TenantLimits.MAX_CAPPED; t++) limits.set(t, TenantLimits.Limit.entries(1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> limits.set(TenantLimits.MAX_CAPPED + 1, TenantLimits.Limit.entries(1)));
        assertEquals("at most 64 tenants may cap their queue entries", e.getMessage());
        CoroutineQueue q = new CoroutineQueue("q", 4);
        q.limitEntries(new OwnerTable().entryLimit());
        assertThrows(IllegalStateException.class, () -> q.limitEntries(new OwnerTable().entryLimit()),
                "one limit per queue: a second would miscount what the first let in");
    }
}
