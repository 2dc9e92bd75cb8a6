package io.flexnet.proto.tcp;

import java.util.concurrent.locks.StampedLock;

/**
 * The connection table: four-tuple to connection, by open addressing (linear probing, deletion by
 * backward shift) over arrays made at start, bounded to {@code max} connections. The local address is
 * the stack's one address, so a four-tuple is one {@code long}: remote address, remote port, local port.
 *
 * <p>Lookups run on every segment from any worker and take no lock: an optimistic read of a
 * {@link StampedLock}, validated after the probe, retried under the read lock only if an insert or a
 * removal ran meanwhile (rare: once per connection opened or closed). Inserts, removals and the free
 * list take the write lock.
 */
final class ConnTable {
    private final Tcp tcp;
    private final long[] keys;
    /** Connection id + 1 per slot; 0 is empty. */
    private final int[] ids;
    private final int mask;
    private final Connection[] conns;
    private final int[] free;
    private int freeTop, created, size;
    private final StampedLock lock = new StampedLock();

    ConnTable(Tcp tcp, int max) {
        this.tcp = tcp;
        int cap = Integer.highestOneBit(Math.max(4, max * 2 - 1)) << 1;
        this.keys = new long[cap];
        this.ids = new int[cap];
        this.mask = cap - 1;
        this.conns = new Connection[max];
        this.free = new int[max];
    }

    /** The table key of a four-tuple whose local address is ours. */
    static long key(int remoteIp, int remotePort, int localPort) {
        return (long) remoteIp << 32 | (long) (remotePort & 0xFFFF) << 16 | (localPort & 0xFFFF);
    }

    private int home(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** The connection with {@code key}, or null. Lock-free unless a writer ran during the probe. */
    Connection find(long key) {
        long stamp = lock.tryOptimisticRead();
        Connection c = probe(key);
        if (lock.validate(stamp)) return c;
        stamp = lock.readLock();
        try {
            return probe(key);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private Connection probe(long key) {
        final long[] k = keys;
        final int[] id = ids;
        int i = home(key);
        for (int n = 0; n <= mask; n++, i = (i + 1) & mask) {
            int v = id[i];
            if (v == 0) return null;
            if (k[i] == key) {
                int at = v - 1;
                return at < conns.length ? conns[at] : null;
            }
        }
        return null;
    }

    /** Takes a free connection object (made on first use), or null when {@code max} are in use. */
    Connection allocate() {
        long stamp = lock.writeLock();
        try {
            if (freeTop > 0) return conns[free[--freeTop]];
            if (created == conns.length) return null;
            Connection c = new Connection(tcp, created);
            conns[created++] = c;
            return c;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Gives back a connection object that is not in the table. */
    void free(Connection c) {
        long stamp = lock.writeLock();
        try {
            free[freeTop++] = c.id;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Enters {@code c} under its key; false (nothing changed) when the key is taken. */
    boolean insert(Connection c) {
        long stamp = lock.writeLock();
        try {
            int i = home(c.key);
            while (ids[i] != 0) {
                if (keys[i] == c.key) return false;
                i = (i + 1) & mask;
            }
            keys[i] = c.key;
            ids[i] = c.id + 1;
            size++;
            c.inTable = true;
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes {@code c} (if it is the entry under its key), shifting later entries of its run back. */
    void remove(Connection c) {
        long stamp = lock.writeLock();
        try {
            int i = home(c.key);
            while (ids[i] != 0 && !(keys[i] == c.key && ids[i] == c.id + 1)) i = (i + 1) & mask;
            if (ids[i] == 0) return;
            c.inTable = false;
            size--;
            // Backward-shift deletion: move each later entry of the run into the hole when its home allows.
            int hole = i;
            for (int j = (i + 1) & mask; ids[j] != 0; j = (j + 1) & mask) {
                int h = home(keys[j]);
                boolean movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
                if (movable) {
                    keys[hole] = keys[j];
                    ids[hole] = ids[j];
                    hole = j;
                }
            }
            ids[hole] = 0;
            keys[hole] = 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Connections in the table now. */
    int size() {
        long stamp = lock.readLock();
        try {
            return size;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Connection objects made so far (the table's memory high-water mark). */
    int created() {
        long stamp = lock.readLock();
        try {
            return created;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The connection object with id {@code id}, or null if not made yet. */
    Connection byId(int id) { return id >= 0 && id < conns.length ? conns[id] : null; }

    int max() { return conns.length; }
}
