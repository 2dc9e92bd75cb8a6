package io.flexnet.packet;

/**
 * IPv4 addresses as {@code int}s in host order (the form {@link Bytes#i32} reads and {@link Packet}
 * stores), prefixes, and parsing and formatting of "198.18.0.2" and "198.18.0.2/24". An address with
 * its prefix length is packed into one {@code long} (prefix in the high word) rather than an object.
 */
public final class Ip4 {
    /** The limited broadcast address 255.255.255.255. */
    public static final int BROADCAST = -1;

    private Ip4() {}

    /** Netmask of a prefix length in [0, 32], e.g. 24 → 255.255.255.0. */
    public static int mask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be in [0, 32], got " + prefixLength);
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public static boolean sameSubnet(int a, int b, int prefixLength) {
        return ((a ^ b) & mask(prefixLength)) == 0;
    }

    /** 224.0.0.0/4. */
    public static boolean isMulticast(int ip) { return (ip >>> 28) == 0xE; }

    /**
     * Never a datagram's source, whatever the subnet (RFC 1122 3.2.1.3, RFC 1112): "this network"
     * 0.0.0.0/8, loopback 127.0.0.0/8, multicast 224.0.0.0/4, and class E with the limited broadcast,
     * 240.0.0.0/4. One test of the first octet.
     */
    public static boolean isMartianSource(int ip) {
        int a = ip >>> 24;
        return a == 0 || a == 127 || a >= 224;
    }

    /** Could be the address of one host: not 0.0.0.0, not multicast, not class E or broadcast. */
    public static boolean isUnicast(int ip) { return ip != 0 && (ip >>> 28) < 0xE; }

    /** Parses dotted-quad notation; each part decimal in [0, 255], no leading '+' or spaces inside. */
    public static int parse(String text) {
        if (text == null) throw new IllegalArgumentException("null is not an IPv4 address");
        String t = text.trim();
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) throw bad(text);
        int ip = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3) throw bad(text);
            int v = 0;
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c < '0' || c > '9') throw bad(text);
                v = v * 10 + (c - '0');
            }
            if (v > 255) throw bad(text);
            ip = (ip << 8) | v;
        }
        return ip;
    }

    public static String format(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }

    /** Parses "198.18.0.2/24" into {@code (prefix << 32) | address}; see {@link #address}, {@link #prefix}. */
    public static long parseCidr(String text) {
        if (text == null) throw new IllegalArgumentException("null is not an IPv4 prefix");
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length (want address/length like 198.18.0.2/24)");
        }
        int ip = parse(text.substring(0, slash));
        String len = text.substring(slash + 1).trim();
        int prefix;
        try {
            prefix = Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has a bad prefix length '" + len + "'");
        }
        if (prefix < 0 || prefix > 32 || len.startsWith("+")) {
            throw new IllegalArgumentException("'" + text + "' has a prefix length outside [0, 32]");
        }
        return cidr(ip, prefix);
    }

    public static long cidr(int ip, int prefixLength) {
        return ((long) prefixLength << 32) | (ip & 0xFFFF_FFFFL);
    }

    public static int address(long cidr) { return (int) cidr; }

    public static int prefix(long cidr) { return (int) (cidr >>> 32); }

    public static String formatCidr(long cidr) { return format(address(cidr)) + "/" + prefix(cidr); }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 address (want four decimal octets like 198.18.0.2)");
    }
}
