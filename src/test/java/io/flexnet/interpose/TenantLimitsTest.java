// Per-tenant limits: binds past a tenant's caps are refused; a flooding tenant cannot starve another.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.ManualClock;
import io.flexnet.socket.Peer;
import io.flexnet.socket.RecvMode;
import io.flexnet.socket.Sockets;
import io.flexnet.socket.UdpSocket;
import org.junit.jupiter.api.Test;

class TenantLimitsTest {
    @Test
    void capsAreCheckedAtBindAndAFloodStaysInsideItsOwnQueues() {
        try (PacketPool pool = new PacketPool(256)) {
            ProtoStack stack = new ProtoStack(Hosts.config(), pool, p -> p.release(), new ManualClock(1_000_000_000L));
            Sockets sockets = new Sockets(stack);
            OwnerTable owners = new OwnerTable();
            Owner flood = new Owner("flood", "f", "flooder"), calm = new Owner("calm", "c", "server");
            // Budgets that fit the pool with room to spare: 2 × 64 slots of 256.
            owners.limits().set(owners.id("flood"), new TenantLimits.Limit(2, 64));
            owners.limits().set(owners.id("calm"), new TenantLimits.Limit(2, 64));

            UdpSocket f1 = open(sockets, owners, flood, 5001, 32), f2 = open(sockets, owners, flood, 5002, 32);
            BindRefusedException third = assertThrows(BindRefusedException.class, () -> owners.bind(OwnerTable.PROTO_UDP, 5003, flood, 8));
            assertEquals("udp port 5003 refused to flood (user f, program flooder): tenant flood is at its limit of 2 sockets",
                    third.getMessage());
            UdpSocket c1 = open(sockets, owners, calm, 6001, 32);
            BindRefusedException big = assertThrows(BindRefusedException.class, () -> owners.bind(OwnerTable.PROTO_UDP, 6002, calm, 64));
            assertEquals("udp port 6002 refused to calm (user c, program server): tenant calm would hold 96 packet slots, "
                    + "over its limit of 64", big.getMessage());
            owners.release(OwnerTable.PROTO_UDP, 5002);
            assertEquals(1, owners.limits().used(owners.id("flood"))[0], "a release gives the socket back");
            owners.bind(OwnerTable.PROTO_UDP, 5002, flood, 32);

            // flood never reads; calm reads each datagram as it comes.
            byte[] buf = new byte[64];
            Peer from = new Peer();
            int calmSent = 0, calmRead = 0;
            for (int i = 0; i < 5000; i++) {
                stack.receive(Packets.copy(pool, Frame.udp().ports(40000, 5001 + (i & 1)).payload(16).build()));
                if (i % 10 == 0) {
                    stack.receive(Packets.copy(pool, Frame.udp().ports(40001, 6001).payload(16).build()));
                    calmSent++;
                    while (c1.receive(buf, 0, buf.length, from, 0) >= 0) calmRead++;
                }
            }
            assertEquals(calmSent, calmRead, "every one of calm's datagrams delivered");
            assertEquals(0, pool.allocFailures(), "the pool never ran dry");
            assertEquals(5000 - 64, f1.receiveFull() + f2.receiveFull(), "flood's excess dropped at its own full queues");
            assertEquals(64, f1.queued() + f2.queued());
            f1.close();
            f2.close();
            c1.close();
            assertEquals(pool.capacity(), pool.available());
        }
    }

    private static UdpSocket open(Sockets sockets, OwnerTable owners, Owner owner, int port, int slots) {
        owners.bind(OwnerTable.PROTO_UDP, port, owner, slots);  // the seam: admission before the socket binds
        return sockets.open(slots).mode(RecvMode.NON_BLOCKING).bind(port);
    }
}
