package io.flexnet.policy;

import io.flexnet.packet.Checksum;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** Builds Ethernet/IPv4/UDP (or TCP) frames byte by byte, with real checksums, for policy tests. */
public final class TestFrames {
    public static final long DST_MAC = 0x0200_0000_0001L, SRC_MAC = 0x0200_0000_0002L;
    public static final int SERVER = ip(198, 18, 0, 1), CLIENT = ip(198, 18, 0, 2);

    private TestFrames() {}

    public static int ip(int a, int b, int c, int d) { return a << 24 | b << 16 | c << 8 | d; }

    /** A request header of the given type and user, plus {@code extra} bytes of data. */
    public static byte[] request(long id, int type, int key, int user, int extra) {
        byte[] b = new byte[RequestHeader.LENGTH + extra];
        RequestHeader.write(b, 0, id, type, key, user);
        return b;
    }

    public static byte[] udp(int srcIp, int srcPort, int dstIp, int dstPort, byte[] payload) {
        ByteBuffer u = ByteBuffer.allocate(8 + payload.length);
        u.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0);
        u.put(payload);
        byte[] l4 = u.array();
        int sum = Checksum.transport(MemorySegment.ofArray(l4), 0, l4.length, srcIp, dstIp, 17);
        if (sum == 0) sum = 0xFFFF;  // RFC 768: a computed zero is sent as all ones
        l4[6] = (byte) (sum >>> 8);
        l4[7] = (byte) sum;
        return ipv4(srcIp, dstIp, 17, l4, 0x4000);
    }

    public static byte[] udp(int srcPort, int dstPort, byte[] payload) { return udp(CLIENT, srcPort, SERVER, dstPort, payload); }

    public static byte[] tcp(int srcPort, int dstPort, byte[] payload) {
        ByteBuffer t = ByteBuffer.allocate(20 + payload.length);
        t.putShort((short) srcPort).putShort((short) dstPort).putInt(1).putInt(0);
        t.put((byte) 0x50).put((byte) 0x18).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        t.put(payload);
        byte[] l4 = t.array();
        int sum = Checksum.transport(MemorySegment.ofArray(l4), 0, l4.length, CLIENT, SERVER, 6);
        l4[16] = (byte) (sum >>> 8);
        l4[17] = (byte) sum;
        return ipv4(CLIENT, SERVER, 6, l4, 0x4000);
    }

    public static byte[] ipv4(int srcIp, int dstIp, int proto, byte[] l4, int flagsAndOffset) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4.length);
        b.putShort((short) (DST_MAC >>> 32)).putInt((int) DST_MAC);
        b.putShort((short) (SRC_MAC >>> 32)).putInt((int) SRC_MAC);
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length));
        b.putShort((short) 0x1234).putShort((short) flagsAndOffset);
        b.put((byte) 64).put((byte) proto).putShort((short) 0).putInt(srcIp).putInt(dstIp);
        b.put(l4);
        byte[] f = b.array();
        int sum = Checksum.compute(MemorySegment.ofArray(f), 14, 20);
        f[24] = (byte) (sum >>> 8);
        f[25] = (byte) sum;
        return f;
    }

    /** The same frame with an 802.1Q tag after the MAC addresses. */
    public static byte[] vlan(byte[] frame, int vid) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
        b.put(frame, 0, 12).putShort((short) 0x8100).putShort((short) vid).put(frame, 12, frame.length - 12);
        return b.array();
    }

    /** Copies a frame into a slot of {@code pool}; fails the test if the pool is empty. */
    public static Packet packet(PacketPool pool, byte[] frame) {
        Packet p = pool.allocate(frame, 0, frame.length);
        if (p == null) throw new AssertionError("pool empty");
        return p;
    }

    /**
     * Fills the fields the receive layers would (ports, addresses, payload window) from the frame, as
     * a stand-in for running eth/ip/udp: for hooks that run after the transport layer.
     */
    public static Packet parsed(PacketPool pool, byte[] frame) {
        Packet p = packet(pool, frame);
        ByteBuffer b = ByteBuffer.wrap(frame);
        int l3 = b.getShort(12) == (short) 0x8100 ? 18 : 14;
        int ihl = (b.get(l3) & 0x0F) * 4;
        int l4 = l3 + ihl;
        p.l3Offset = p.offset + l3;
        p.l4Offset = p.offset + l4;
        p.protocol = b.get(l3 + 9) & 0xFF;
        p.srcIp = b.getInt(l3 + 12);
        p.dstIp = b.getInt(l3 + 16);
        p.srcPort = b.getShort(l4) & 0xFFFF;
        p.dstPort = b.getShort(l4 + 2) & 0xFFFF;
        int hdr = p.protocol == 17 ? 8 : ((b.get(l4 + 12) & 0xFF) >>> 4) * 4;
        p.payloadOffset = p.l4Offset + hdr;
        p.payloadLength = frame.length - l4 - hdr;
        return p;
    }
}
