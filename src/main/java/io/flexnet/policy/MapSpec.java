package io.flexnet.policy;

import java.util.Objects;

/**
 * Declares a map a policy uses: its name (unique within a tenant), its layout, how many keys it holds,
 * and whether it is pinned to a file so other processes can open it. See {@code docs/maps.md}.
 *
 * @param capacity for {@link Layout#DIRECT}: keys {@code 0..capacity-1}; for {@link Layout#HASHED}:
 *                 entries, rounded up to a power of two (keep it at least twice the keys you expect)
 */
public record MapSpec(String name, Layout layout, int capacity, boolean pinned) {
    /** How keys find their entries. */
    public enum Layout {
        /** Key {@code k} is entry {@code k}: for small dense key ranges (socket or queue indexes). */
        DIRECT(1, 8),
        /** Open addressing with linear probing: for sparse keys (user ids). Keys are never removed. */
        HASHED(2, 16);

        final int code;
        final int entryBytes;

        Layout(int code, int entryBytes) {
            this.code = code;
            this.entryBytes = entryBytes;
        }
    }

    /** Longest name: it is stored NUL-terminated in a 32-byte header field and used as a file name. */
    public static final int MAX_NAME = 31;
    /** Largest capacity: the file stays below 2 GiB, one mapping. */
    public static final int MAX_CAPACITY = 1 << 26;

    public MapSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(layout, "layout");
        if (name.isEmpty() || name.length() > MAX_NAME || !name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("map name must be 1-" + MAX_NAME
                    + " of [A-Za-z0-9_.-], not starting with '.': '" + name + "'");
        }
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("map '" + name + "': capacity must be in [1, " + MAX_CAPACITY + "]");
        }
        if (layout == Layout.HASHED && capacity > 1) capacity = Integer.highestOneBit(capacity - 1) << 1;
    }

    public static MapSpec direct(String name, int keys) { return new MapSpec(name, Layout.DIRECT, keys, false); }

    public static MapSpec hashed(String name, int capacity) { return new MapSpec(name, Layout.HASHED, capacity, false); }

    /** The same map, pinned to a file under the tenants' pin directory. */
    public MapSpec pin() { return new MapSpec(name, layout, capacity, true); }
}
