// Replacing the rule set under traffic: no packet lost, none judged by a mixture of old and new rules.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.proto.LayerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two threads push datagrams to port 7 (to be delivered) and port 9 (to be dropped) through the
 * receive pipeline while the main thread swaps between two rule sets written differently but
 * judging the same. Every datagram must be delivered or dropped as expected, and the rules that
 * decided, summed over every set that was ever in force, must have decided each datagram exactly
 * once: none judged twice, none by no set.
 */
@Timeout(120)
class FilterSwapTest {
    static final String A = """
            chain input {
                type filter hook input priority 0; policy accept;
                udp dport 9 drop
                udp dport 7 accept
            }
            """;
    static final String B = """
            chain input {
                type filter hook input priority 0; policy drop;
                udp dport 7 jump seven
                udp dport 8-9 counter drop
            }
            chain seven {
                counter
                accept
            }
            """;

    @Test
    void swapsUnderTrafficLoseAndMisjudgeNothing() throws Exception {
        final int perThread = 200_000, threads = 2;
        try (FilterRig rig = new FilterRig()) {
            rig.open(7);
            rig.open(9);
            byte[] seven = Frame.udp().ports(40000, 7).payload(8).build();
            byte[] nine = Frame.udp().ports(40000, 9).payload(8).build();
            List<RuleSet> sets = new ArrayList<>();
            sets.add(rig.fw.parse(A, "a.nft"));
            rig.fw.replace(sets.get(0));
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch done = new CountDownLatch(threads);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                senders.add(Thread.ofPlatform().start(() -> {
                    try {
                        LayerContext cx = LayerContext.at(rig.clock.nanoTime());
                        for (int i = 0; i < perThread; i++) rig.receive((i & 1) == 0 ? seven : nine, cx);
                    } finally {
                        done.countDown();
                    }
                }));
            }
            int swaps = 0;
            while (done.getCount() > 0) {
                RuleSet next = rig.fw.parse(swaps % 2 == 0 ? B : A, swaps % 2 == 0 ? "b.nft" : "a.nft");
                sets.add(next);
                rig.fw.replace(next);
                swaps++;
                Thread.onSpinWait();
            }
            for (Thread t : senders) t.join();
            long total = (long) perThread * threads;
            assertEquals(total / 2, rig.delivered.get(), "port 7 delivered");
            assertEquals(total / 2, rig.fw.drops().get(DropReason.FILTER), "port 9 dropped");
            long decided = 0;
            for (RuleSet s : sets) {
                for (int i = 0; i < s.rules(); i++) {
                    Rule r = s.all[i];
                    if (r.verdict == Rule.ACCEPT || r.verdict == Rule.DROP) decided += s.packets(i);
                }
            }
            assertEquals(total, decided, "each datagram decided by exactly one rule of one set");
            assertTrue(swaps > 10, "the sets were swapped while traffic flowed: " + swaps);
        }
    }
}
