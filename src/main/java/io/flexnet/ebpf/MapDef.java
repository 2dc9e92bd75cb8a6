package io.flexnet.ebpf;

/**
 * A map an object declares: in {@code .maps} (BTF), in the legacy {@code maps} section, or one of its
 * global data sections ({@code .bss}, {@code .data}, {@code .rodata}), each a one-entry array whose
 * value is the whole section. {@code initial} holds a data section's contents.
 */
public record MapDef(String name, int type, int keySize, int valueSize, int maxEntries, byte[] initial, boolean readOnly) {
    public static final int HASH = 1, ARRAY = 2, DEVMAP = 14, CPUMAP = 16, XSKMAP = 17, REUSEPORT_SOCKARRAY = 20;

    /** Whether this map names the hook's executors (sockets, queues) rather than holding data. */
    public boolean executors() { return type == REUSEPORT_SOCKARRAY || type == XSKMAP || type == CPUMAP || type == DEVMAP; }

    /** A global data section rather than a declared map. */
    public boolean global() { return initial != null; }

    public String typeName() {
        return switch (type) {
            case HASH -> "hash"; case ARRAY -> "array"; case DEVMAP -> "devmap"; case CPUMAP -> "cpumap";
            case XSKMAP -> "xskmap"; case REUSEPORT_SOCKARRAY -> "reuseport_sockarray"; default -> "type " + type;
        };
    }

    @Override
    public String toString() {
        return name + ": " + (global() ? "global data" + (readOnly ? " (read-only)" : "") : typeName())
                + ", key " + keySize + " B, value " + valueSize + " B, " + maxEntries + " entries";
    }
}
