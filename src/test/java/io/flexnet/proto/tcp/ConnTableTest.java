package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The four-tuple table against a HashMap: random inserts and removals, clustered keys, a full table. */
class ConnTableTest {

    @Test
    void randomInsertsAndRemovalsAgreeWithAHashMap() {
        try (TcpRig r = new TcpRig(TcpRig.plain().withMaxConnections(64))) {
            ConnTable t = r.tcp.table();
            Map<Long, Connection> model = new HashMap<>();
            List<Connection> live = new ArrayList<>();
            SplittableRandom rnd = new SplittableRandom(3);
            for (int step = 0; step < 200_000; step++) {
                if (!live.isEmpty() && (live.size() == 64 || rnd.nextBoolean())) {
                    Connection c = live.remove(rnd.nextInt(live.size()));
                    t.remove(c);
                    assertFalse(c.inTable);
                    model.remove(c.key);
                    t.free(c);
                } else {
                    Connection c = t.allocate();
                    assertNotNull(c, "below the bound, a connection object");
                    // Few distinct addresses and ports: long probe runs, wrap-around, shifting deletions.
                    c.key = ConnTable.key(0x0A000000 | rnd.nextInt(4), 1000 + rnd.nextInt(8), 80 + rnd.nextInt(4));
                    boolean fresh = !model.containsKey(c.key);
                    assertEquals(fresh, t.insert(c), "insert succeeds exactly when the key is new");
                    if (fresh) {
                        model.put(c.key, c);
                        live.add(c);
                    } else {
                        t.free(c);
                    }
                }
                if (step % 97 == 0) {
                    for (Map.Entry<Long, Connection> e : model.entrySet()) assertSame(e.getValue(), t.find(e.getKey()));
                    assertEquals(model.size(), t.size());
                    assertNull(t.find(ConnTable.key(0x0B000000, 1, 1)));
                }
            }
            while (live.size() < 64) {
                Connection c = t.allocate();
                c.key = ConnTable.key(0x0C000000 + live.size(), 1, 1);
                assertTrue(t.insert(c));
                live.add(c);
            }
            assertNull(t.allocate(), "bounded: no 65th connection");
            assertTrue(t.created() <= 64);
        }
    }
}
