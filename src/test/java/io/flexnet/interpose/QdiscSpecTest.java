// serve --qdisc's tc-like words: each kind with its parameters, and errors that name the word at fault.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class QdiscSpecTest {
    private final OwnerTable owners = new OwnerTable();

    private Qdisc make(String text) { return QdiscSpec.parse(text, owners).get(); }

    private String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> QdiscSpec.parse(text, owners)).getMessage();
    }

    @Test
    void everyKindWithItsParameters() {
        assertEquals("pfifo limit 1000p", make("pfifo").toString());
        assertEquals("pfifo limit 64p", make("pfifo limit 64").toString());
        assertEquals("fq_codel limit 10240p flows 1024 quantum 1514 target 5000us interval 100000us", make("fq_codel").toString());
        assertEquals("fq_codel limit 2000p flows 256 quantum 3028 target 2000us interval 50000us",
                make("fq_codel limit 2000 flows 256 quantum 3028 target 2ms interval 50ms").toString());
        assertEquals("tbf rate 10Mbit burst 32768b limit 95268b", make("tbf rate 10mbit burst 32kb latency 50ms").toString());
        assertEquals("tbf rate 1Mbit burst 15000b limit 30000b", make("tbf rate 125000bps burst 15000 limit 30000").toString());
        assertInstanceOf(Prio.class, make("prio"));
        assertEquals(make("prio bands 4 limit 10 by tenant db=0,game=3").toString(),
                make("prio bands 4 limit 10 by dscp").toString());
        assertInstanceOf(Drr.class, make("drr weights 3,1 by tenant db=0,game=1"));
        assertEquals(make("drr weights 1,1,1 quantum 3000 limit 50").toString(), make("drr weights 1,1,1 quantum 3000 limit 50 by flow").toString());
        Supplier<Qdisc> each = QdiscSpec.parse("pfifo", owners);
        assertNotSame(each.get(), each.get(), "a fresh qdisc per transmit queue");
    }

    @Test
    void tenantsGoToTheirClassesAndEveryoneElseToTheLast() {
        owners.bind(OwnerTable.PROTO_UDP, 5000, new Owner("db", "u", "p"));
        owners.bind(OwnerTable.PROTO_UDP, 6000, new Owner("game", "u", "p"));
        owners.bind(OwnerTable.PROTO_UDP, 7000, new Owner("web", "u", "p"));
        io.flexnet.packet.PacketPool pool = new io.flexnet.packet.PacketPool(8);
        try {
            // One packet per class: a second from the same class is dropped, so acceptance shows the class.
            Qdisc drr = make("drr weights 3,1,1 limit 1 by tenant game=0,db=1");
            assertEquals(true, drr.enqueue(from(pool, 5000), 0), "db: class 1");
            assertEquals(false, drr.enqueue(from(pool, 5000), 0), "db again: class 1 is full");
            assertEquals(true, drr.enqueue(from(pool, 7000), 0), "web: the last class");
            assertEquals(false, drr.enqueue(from(pool, 9999), 0), "no owner: the last class, full");
            assertEquals(true, drr.enqueue(from(pool, 6000), 0), "game: class 0");
            for (io.flexnet.packet.Packet p; (p = drr.dequeue(0)) != null; ) p.release();
            assertEquals(2, drr.dropped());
        } finally {
            pool.close();
        }
    }

    private static io.flexnet.packet.Packet from(io.flexnet.packet.PacketPool pool, int srcPort) {
        io.flexnet.packet.Packet p = pool.allocate();
        p.protocol = OwnerTable.PROTO_UDP;
        p.srcPort = srcPort;
        p.length = 100;
        return p;
    }

    @Test
    void errorsNameTheWord() {
        assertEquals("unknown qdisc 'sfq'; expected one of pfifo, prio, tbf, drr, fq_codel", error("sfq"));
        assertEquals("tbf: unknown parameter 'peakrate'; expected rate, burst, limit, latency",
                error("tbf rate 1mbit burst 10kb peakrate 2mbit"));
        assertEquals("tbf needs rate and burst (tbf rate 10mbit burst 32kb)", error("tbf rate 1mbit"));
        assertEquals("tbf: rate '10mbps0': expected a rate such as 10mbit, 1gbit or 125000bps", error("tbf rate 10mbps0 burst 2kb"));
        assertEquals("tbf: burst '10q': expected a size such as 1514, 32kb or 1mb", error("tbf rate 1mbit burst 10q"));
        assertEquals("tbf: tbf burst must hold a full frame (1514 bytes), got 1000", error("tbf rate 1mbit burst 1000"));
        assertEquals("tbf takes limit or latency, not both", error("tbf rate 1mbit burst 2kb limit 4kb latency 5ms"));
        assertEquals("fq_codel: target '5': expected a time such as 5ms or 100us", error("fq_codel target 5"));
        assertEquals("pfifo: limit 0 must be at least 1", error("pfifo limit 0"));
        assertEquals("pfifo: 'limit' needs a value", error("pfifo limit"));
        assertEquals("pfifo: 'limit' given twice", error("pfifo limit 1 limit 2"));
        assertEquals("drr needs weights (drr weights 3,1)", error("drr"));
        assertEquals("drr: by tenant: class 2 of game is not in [0, 1]", error("drr weights 3,1 by tenant game=2"));
        assertEquals("prio: by 'color'; expected tenant, dscp or flow", error("prio by color"));
        assertEquals("prio: prio has 2 to 16 bands, got 1", error("prio bands 1"));
    }
}
