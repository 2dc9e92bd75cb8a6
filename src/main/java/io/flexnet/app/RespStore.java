package io.flexnet.app;

import java.util.Arrays;

/**
 * The RESP server's key space: byte-string keys to byte-string values in one open-addressing table
 * (linear probing, backward-shift deletion), bounded in keys and in bytes. A lookup takes the key
 * where it lies in the request buffer and allocates nothing; a SET of a value as long as the old one
 * copies into the old array, so a steady SET load allocates only for new keys.
 *
 * <p>Shared by every connection of a server; each method holds the store's lock, so the store is
 * safe whichever transport thread calls it.
 */
public final class RespStore {
    /** What {@link #set} and {@link #incr} report besides success. */
    public static final long FULL = Long.MIN_VALUE, NOT_INTEGER = Long.MIN_VALUE + 1;

    private final int maxKeys;
    private final long maxBytes;
    private byte[][] keys;
    private byte[][] values;
    private int size;
    private long bytes;
    private final byte[] digits = new byte[20];

    /** @param maxKeys most keys held; @param maxBytes most key and value bytes held */
    public RespStore(int maxKeys, long maxBytes) {
        if (maxKeys < 1) throw new IllegalArgumentException("maxKeys must be >= 1, got " + maxKeys);
        if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        this.maxKeys = maxKeys;
        this.maxBytes = maxBytes;
        int cap = Integer.highestOneBit(Math.max(16, maxKeys) * 2 - 1) << 1;  // load <= 1/2 at maxKeys
        keys = new byte[cap][];
        values = new byte[cap][];
    }

    public synchronized int size() { return size; }
    public synchronized long bytes() { return bytes; }

    /** Appends the value of the key as a RESP bulk string, or the null bulk string; true if found. */
    public synchronized boolean getInto(byte[] k, int off, int len, Output out) {
        int i = find(k, off, len);
        if (i < 0) {
            out.put(Resp.NULL_BULK);
            return false;
        }
        Resp.bulk(values[i], 0, values[i].length, out);
        return true;
    }

    /** The value, copied, or null (for tests and tools). */
    public synchronized byte[] get(byte[] k) {
        int i = find(k, 0, k.length);
        return i < 0 ? null : values[i].clone();
    }

    /** Sets the key; 1 when done, {@link #FULL} when the store has no room for it. */
    public synchronized long set(byte[] k, int koff, int klen, byte[] v, int voff, int vlen) {
        int i = find(k, koff, klen);
        if (i >= 0) {
            byte[] old = values[i];
            if (old.length == vlen) {
                System.arraycopy(v, voff, old, 0, vlen);
                return 1;
            }
            if (bytes - old.length + vlen > maxBytes) return FULL;
            bytes += vlen - old.length;
            values[i] = Arrays.copyOfRange(v, voff, voff + vlen);
            return 1;
        }
        if (size >= maxKeys || bytes + klen + vlen > maxBytes) return FULL;
        insert(Arrays.copyOfRange(k, koff, koff + klen), Arrays.copyOfRange(v, voff, voff + vlen));
        return 1;
    }

    /** Adds one to the integer the key holds (0 when absent): the new value, {@link #NOT_INTEGER} or {@link #FULL}. */
    public synchronized long incr(byte[] k, int off, int len) {
        int i = find(k, off, len);
        long n = 0;
        if (i >= 0) {
            n = parseLong(values[i]);
            if (n == NOT_INTEGER || n == Long.MAX_VALUE) return NOT_INTEGER;
        }
        n++;
        int d = digits.length;
        long v = n;
        boolean neg = v < 0;
        if (neg) v = -v;
        do {
            digits[--d] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (neg) digits[--d] = '-';
        long r = set(k, off, len, digits, d, digits.length - d);
        return r == FULL ? FULL : n;
    }

    /** Removes the key; true if it was there. */
    public synchronized boolean delete(byte[] k, int off, int len) {
        int i = find(k, off, len);
        if (i < 0) return false;
        bytes -= keys[i].length + values[i].length;
        size--;
        keys[i] = null;
        values[i] = null;
        // Backward-shift: move up any entry whose probe run crossed the hole.
        int mask = keys.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j], 0, keys[j].length) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                keys[j] = null;
                values[j] = null;
                hole = j;
            }
        }
        return true;
    }

    private void insert(byte[] k, byte[] v) {
        int mask = keys.length - 1;
        int i = hash(k, 0, k.length) & mask;
        while (keys[i] != null) i = (i + 1) & mask;
        keys[i] = k;
        values[i] = v;
        size++;
        bytes += k.length + v.length;
    }

    private int find(byte[] k, int off, int len) {
        int mask = keys.length - 1;
        for (int i = hash(k, off, len) & mask; ; i = (i + 1) & mask) {
            byte[] e = keys[i];
            if (e == null) return -1;
            if (e.length == len && Arrays.equals(e, 0, len, k, off, off + len)) return i;
        }
    }

    private static int hash(byte[] k, int off, int len) {
        int h = 0x811C9DC5;  // FNV-1a, then a finalizer so the low bits mix
        for (int i = off; i < off + len; i++) h = (h ^ k[i]) * 0x01000193;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        return h ^ h >>> 13;
    }

    /** A RESP integer value: optional '-', 1..19 digits, no overflow; else {@link #NOT_INTEGER}. */
    static long parseLong(byte[] v) { return parseLong(v, 0, v.length); }

    static long parseLong(byte[] v, int off, int len) {
        if (len == 0 || len > 20) return NOT_INTEGER;
        int i = off, end = off + len;
        boolean neg = v[i] == '-';
        if (neg && ++i == end) return NOT_INTEGER;
        long n = 0;
        for (; i < end; i++) {
            int d = v[i] - '0';
            if (d < 0 || d > 9) return NOT_INTEGER;
            if (n > (Long.MAX_VALUE - d) / 10) return NOT_INTEGER;
            n = n * 10 + d;
        }
        return neg ? -n : n;
    }
}
