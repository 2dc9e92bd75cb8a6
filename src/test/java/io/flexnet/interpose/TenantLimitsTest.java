// Per-tenant limits: sockets past a tenant's caps are refused where they bind; a flood cannot starve another.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.ManualClock;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.FakeTransport;
import io.flexnet.socket.Peer;
import io.flexnet.socket.RecvMode;
import io.flexnet.socket.SocketOwner;
import io.flexnet.socket.Sockets;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.flexnet.socket.UdpSocket;
import org.junit.jupiter.api.Test;

class TenantLimitsTest {
    static final SocketOwner FLOOD = new SocketOwner("flood", "f", "flooder"), CALM = new SocketOwner("calm", "c", "server");

    @Test
    void capsAreCheckedWhereSocketsBindAndAFloodStaysInsideItsOwnQueues() {
        try (PacketPool pool = new PacketPool(256)) {
            ProtoStack stack = new ProtoStack(Hosts.config(), pool, p -> p.release(), new ManualClock(1_000_000_000L));
            OwnerTable owners = new OwnerTable();
            Sockets sockets = new Sockets(stack).admission(owners.admission());  // the socket layer asks at bind
            // Budgets that fit the pool with room to spare: 2 × 64 slots of 256.
            owners.limits().set(owners.id("flood"), new TenantLimits.Limit(2, 64));
            owners.limits().set(owners.id("calm"), new TenantLimits.Limit(2, 64));

            UdpSocket f1 = open(sockets, FLOOD, 5001, 32), f2 = open(sockets, FLOOD, 5002, 32);
            BindRefusedException third = assertThrows(BindRefusedException.class, () -> open(sockets, FLOOD, 5003, 8));
            assertEquals("udp port 5003 refused to flood (user f, program flooder): tenant flood is at its limit of 2 sockets",
                    third.getMessage());
            assertNull(sockets.group(5003), "a refused socket holds no port");
            UdpSocket c1 = open(sockets, CALM, 6001, 32);
            BindRefusedException big = assertThrows(BindRefusedException.class, () -> open(sockets, CALM, 6002, 64));
            assertEquals("udp port 6002 refused to calm (user c, program server): tenant calm would hold 96 packet slots, "
                    + "over its limit of 64", big.getMessage());
            assertEquals(1, owners.limits().refused(owners.id("calm")), "refusals counted per tenant");
            assertEquals(1, owners.limits().refused(owners.id("flood")));
            f2.close();
            assertEquals(1, owners.limits().used(owners.id("flood"))[0], "a close gives the socket back");
            assertEquals(0L, owners.ownerOf(OwnerTable.PROTO_UDP, 5002), "and the port");
            f2 = open(sockets, FLOOD, 5002, 32);
            assertEquals("flood", owners.describeOwner(OwnerTable.PROTO_UDP, 5002)[0]);

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
            assertArrayEquals(new long[3], owners.limits().used(owners.id("flood")));
            assertEquals(pool.capacity(), pool.available());
        }
    }

    @Test
    void anotherTenantCannotTakeAPortAndOneOwnerMayShareIt() {
        try (PacketPool pool = new PacketPool(64)) {
            ProtoStack stack = new ProtoStack(Hosts.config(), pool, p -> p.release(), new ManualClock(1_000_000_000L));
            OwnerTable owners = new OwnerTable();
            Sockets sockets = new Sockets(stack).admission(owners.admission());
            UdpSocket a = sockets.open(8).owner(CALM).reusePort(true).bind(7001);
            UdpSocket b = sockets.open(8).owner(CALM).reusePort(true).bind(7001);  // SO_REUSEPORT, one owner
            BindRefusedException e = assertThrows(BindRefusedException.class,
                    () -> sockets.open(8).owner(FLOOD).reusePort(true).bind(7001));
            assertEquals("udp port 7001 refused to flood (user f, program flooder): held by tenant calm", e.getMessage());
            a.close();
            assertEquals("calm", owners.describeOwner(OwnerTable.PROTO_UDP, 7001)[0], "held while one socket is left");
            b.close();
            assertEquals(0L, owners.ownerOf(OwnerTable.PROTO_UDP, 7001));
        }
    }

    @Test
    void tcpConnectionsCountTheirBuffersAgainstTheTenantsBytes() {
        FakeTransport transport = new FakeTransport(4096);  // each connection buffers 2 × 4096 bytes
        OwnerTable owners = new OwnerTable();
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE).admission(owners.admission());
        owners.limits().set(owners.id("calm"), new TenantLimits.Limit(10, 0, 3 * 8192));
        TcpListenSocket l = tcp.openListener().owner(CALM).listen(80, 8);
        assertEquals("calm", owners.describeOwner(OwnerTable.PROTO_TCP, 80)[0]);
        TcpSocket[] clients = new TcpSocket[4];
        for (int i = 0; i < 4; i++) {
            clients[i] = tcp.open().mode(RecvMode.NON_BLOCKING);  // the default owner, unlimited
            clients[i].connect(FakeTransport.LOCAL_IP, 80);
        }
        TcpSocket s1 = l.accept(0), s2 = l.accept(0), s3 = l.accept(0);
        assertNotNull(s3);
        assertEquals(3 * 8192, owners.limits().used(owners.id("calm"))[2]);
        BindRefusedException e = assertThrows(BindRefusedException.class, () -> l.accept(0));
        assertEquals("tcp port 80 refused to calm (user c, program server): tenant calm would buffer 32768 bytes, "
                + "over its limit of 24576", e.getMessage());
        assertThrows(io.flexnet.proto.tcp.TcpException.class, () -> clients[3].write(new byte[1], 0, 1),
                "the refused connection was reset");
        s1.close();
        assertEquals(2 * 8192, owners.limits().used(owners.id("calm"))[2], "a close gives its buffers back");
        s2.close();
        s3.close();
        l.close();
        assertArrayEquals(new long[3], owners.limits().used(owners.id("calm")));
        assertEquals(0L, owners.ownerOf(OwnerTable.PROTO_TCP, 80));
        for (TcpSocket c : clients) c.abort();
    }

    private static UdpSocket open(Sockets sockets, SocketOwner owner, int port, int slots) {
        return sockets.open(slots).owner(owner).mode(RecvMode.NON_BLOCKING).bind(port);
    }
}
