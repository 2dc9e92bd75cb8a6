package io.flexnet.nic;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Receive-side scaling as NICs do it: a Toeplitz hash of the IPv4 flow tuple under a secret key, then a
 * 128-entry indirection table from the hash's low bits to a receive queue. It is also the default
 * {@link RxSteering}: {@code queueFor} reads the hash the NIC stored in {@link Packet#flowHash}.
 *
 * <p>Input bytes follow Microsoft's "RSS Hashing Functions": source address, destination address,
 * source port, destination port, each in network order (12 bytes for TCP/UDP, 8 for other IPv4).
 * IP fragments hash the 2-tuple so every fragment of a datagram lands on one queue, as NICs do.
 *
 * <p>The hash is table driven: for each of the 12 input byte positions, the XOR of key windows for
 * every byte value is precomputed (12 x 256 ints), so a 4-tuple costs 12 loads and XORs instead of
 * 96 bit steps. Nothing allocates after construction.
 */
public final class Rss implements RxSteering {
    /** Entries in the indirection table, as in NDIS and most NICs (7 low bits of the hash). */
    public static final int TABLE_SIZE = 128;

    /** The 40-byte key of Microsoft's RSS verification suite, the default of many NIC drivers. */
    private static final byte[] MICROSOFT_KEY = {
            (byte) 0x6d, (byte) 0x5a, (byte) 0x56, (byte) 0xda, (byte) 0x25, (byte) 0x5b, (byte) 0x0e, (byte) 0xc2,
            (byte) 0x41, (byte) 0x67, (byte) 0x25, (byte) 0x3d, (byte) 0x43, (byte) 0xa3, (byte) 0x8f, (byte) 0xb0,
            (byte) 0xd0, (byte) 0xca, (byte) 0x2b, (byte) 0xcb, (byte) 0xae, (byte) 0x7b, (byte) 0x30, (byte) 0xb4,
            (byte) 0x77, (byte) 0xcb, (byte) 0x2d, (byte) 0xa3, (byte) 0x80, (byte) 0x30, (byte) 0xf2, (byte) 0x0c,
            (byte) 0x6a, (byte) 0x42, (byte) 0xb7, (byte) 0x3b, (byte) 0xbe, (byte) 0xac, (byte) 0x01, (byte) 0xfa,
    };

    /** Longest input the fast path hashes: the IPv4 4-tuple. */
    private static final int TUPLE_BYTES = 12;
    /** A key must cover the input plus the 32-bit window that slides over it. */
    public static final int MIN_KEY_BYTES = TUPLE_BYTES + 4;

    private static final int ETH_HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;

    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(int[].class);

    private final byte[] key;
    /** lookup[pos * 256 + b]: XOR of the key windows selected by the set bits of byte b at input position pos. */
    private final int[] lookup = new int[TUPLE_BYTES * 256];
    private final int[] table = new int[TABLE_SIZE];
    private final int queues;

    /** RSS over {@code queues} queues with the Microsoft key and a round-robin indirection table. */
    public Rss(int queues) {
        this(MICROSOFT_KEY, queues);
    }

    /** RSS with a given key (at least {@value #MIN_KEY_BYTES} bytes; NICs use 40 or 52). */
    public Rss(byte[] key, int queues) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("RSS key must be >= " + MIN_KEY_BYTES + " bytes, got " + key.length);
        }
        if (queues <= 0) throw new IllegalArgumentException("queues must be > 0, got " + queues);
        this.key = key.clone();
        this.queues = queues;
        for (int pos = 0; pos < TUPLE_BYTES; pos++) {
            for (int b = 0; b < 256; b++) {
                int h = 0;
                for (int bit = 0; bit < 8; bit++) {
                    if ((b & (0x80 >>> bit)) != 0) h ^= window(this.key, pos * 8 + bit);
                }
                lookup[pos * 256 + b] = h;
            }
        }
        for (int i = 0; i < TABLE_SIZE; i++) table[i] = i % queues;
    }

    /** A copy of the Microsoft verification-suite key. */
    public static byte[] microsoftKey() { return MICROSOFT_KEY.clone(); }

    /** A copy of this instance's key. */
    public byte[] key() { return key.clone(); }

    public int queues() { return queues; }

    // ---- pure functions over the tuple, addresses and ports in host order ----

    /** Toeplitz hash of the IPv4 2-tuple (source, destination address). */
    public int hash2(int srcIp, int dstIp) {
        final int[] t = lookup;
        return t[(srcIp >>> 24)] ^ t[256 + (srcIp >>> 16 & 0xFF)]
                ^ t[512 + (srcIp >>> 8 & 0xFF)] ^ t[768 + (srcIp & 0xFF)]
                ^ t[1024 + (dstIp >>> 24)] ^ t[1280 + (dstIp >>> 16 & 0xFF)]
                ^ t[1536 + (dstIp >>> 8 & 0xFF)] ^ t[1792 + (dstIp & 0xFF)];
    }

    /** Toeplitz hash of the IPv4 4-tuple (source address, destination address, source port, destination port). */
    public int hash4(int srcIp, int dstIp, int srcPort, int dstPort) {
        final int[] t = lookup;
        return hash2(srcIp, dstIp)
                ^ t[2048 + (srcPort >>> 8 & 0xFF)] ^ t[2304 + (srcPort & 0xFF)]
                ^ t[2560 + (dstPort >>> 8 & 0xFF)] ^ t[2816 + (dstPort & 0xFF)];
    }

    /**
     * The reference algorithm, bit by bit as Microsoft's pseudocode states it: for each set input bit,
     * XOR in the key's 32-bit window at that bit. For tests and odd tuple shapes, not the packet path.
     */
    public static int toeplitz(byte[] key, byte[] input, int off, int len) {
        if ((long) len * 8 + 32 > (long) key.length * 8) {
            throw new IllegalArgumentException(len + " input bytes need a key of >= " + (len + 4) + " bytes");
        }
        int result = 0;
        for (int i = 0; i < len * 8; i++) {
            if ((input[off + i / 8] & (0x80 >>> (i % 8))) != 0) result ^= window(key, i);
        }
        return result;
    }

    /** The 32 key bits starting at bit {@code bit} (bit 0 = most significant bit of key[0]). */
    private static int window(byte[] key, int bit) {
        int w = 0;
        for (int i = 0; i < 32; i++) {
            int k = bit + i;
            int b = k / 8 < key.length ? (key[k / 8] >>> (7 - k % 8)) & 1 : 0;
            w = (w << 1) | b;
        }
        return w;
    }

    // ---- reading frames ----

    /**
     * Hash of the IPv4 packet at {@code l3Offset} with {@code l3Length} bytes available: the 4-tuple for
     * unfragmented TCP and UDP, the 2-tuple for other IPv4 and for fragments, 0 when it is not IPv4 or
     * too short to read. Never throws for bad bytes and allocates nothing.
     */
    public int hash(MemorySegment frame, long l3Offset, int l3Length) {
        if (l3Length < 20) return 0;
        int vihl = Bytes.u8(frame, l3Offset);
        if (vihl >>> 4 != 4) return 0;
        int ihl = (vihl & 0x0F) * 4;
        if (ihl < 20) return 0;
        int src = Bytes.i32(frame, l3Offset + 12);
        int dst = Bytes.i32(frame, l3Offset + 16);
        int proto = Bytes.u8(frame, l3Offset + 9);
        // More-fragments flag or a fragment offset: only the first fragment carries ports.
        boolean fragment = (Bytes.u16(frame, l3Offset + 6) & 0x3FFF) != 0;
        if ((proto == PROTO_TCP || proto == PROTO_UDP) && !fragment && l3Length >= ihl + 4) {
            long l4 = l3Offset + ihl;
            return hash4(src, dst, Bytes.u16(frame, l4), Bytes.u16(frame, l4 + 2));
        }
        return hash2(src, dst);
    }

    /**
     * Hash of the Ethernet frame at {@code offset}, {@code length} bytes: skips up to two VLAN tags
     * (802.1Q, 802.1ad) and hashes the IPv4 packet behind them; 0 for anything else.
     */
    public int hashFrame(MemorySegment frame, long offset, int length) {
        if (length < ETH_HEADER) return 0;
        long typeAt = offset + 12;
        int type = Bytes.u16(frame, typeAt);
        for (int tags = 0; tags < 2 && (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ); tags++) {
            typeAt += 4;
            if (typeAt + 2 > offset + length) return 0;
            type = Bytes.u16(frame, typeAt);
        }
        if (type != ETHERTYPE_IPV4) return 0;
        long l3 = typeAt + 2;
        return hash(frame, l3, (int) (offset + length - l3));
    }

    // ---- indirection table ----

    /** Queue for a hash: the table entry at the hash's 7 low bits. */
    public int queueOf(int hash) {
        // Opaque: a policy may retarget entries while traffic flows; the reader must see the new value
        // soon and never a torn one, but needs no ordering with other memory.
        return (int) ENTRY.getOpaque(table, hash & (TABLE_SIZE - 1));
    }

    @Override
    public int queueFor(Packet p, int queues) {
        return queueOf(p.flowHash);
    }

    public int entry(int index) { return (int) ENTRY.getOpaque(table, index); }

    /** Points table entry {@code index} at {@code queue}; safe while traffic flows. */
    public void setEntry(int index, int queue) {
        if (index < 0 || index >= TABLE_SIZE) throw new IllegalArgumentException("index " + index);
        if (queue < 0 || queue >= queues) {
            throw new IllegalArgumentException("queue " + queue + " not in [0, " + queues + ")");
        }
        ENTRY.setOpaque(table, index, queue);
    }

    /** Replaces the whole table ({@value #TABLE_SIZE} entries). */
    public void setTable(int[] entries) {
        if (entries.length != TABLE_SIZE) {
            throw new IllegalArgumentException("table needs " + TABLE_SIZE + " entries, got " + entries.length);
        }
        for (int q : entries) {
            if (q < 0 || q >= queues) throw new IllegalArgumentException("queue " + q + " not in [0, " + queues + ")");
        }
        for (int i = 0; i < TABLE_SIZE; i++) ENTRY.setOpaque(table, i, entries[i]);
    }

    /** A copy of the indirection table. */
    public int[] table() {
        int[] copy = new int[TABLE_SIZE];
        for (int i = 0; i < TABLE_SIZE; i++) copy[i] = entry(i);
        return copy;
    }
}
