package io.flexnet.packet;

/**
 * 48-bit Ethernet addresses as the low bits of a {@code long} (the form {@link Bytes#u48} reads), with
 * parsing and formatting for configuration and reports. Nothing here runs per packet except the
 * constant-time tests.
 */
public final class MacAddress {
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** The I/G bit: set in the first octet of every multicast (and the broadcast) address. */
    private static final long GROUP_BIT = 1L << 40;

    private MacAddress() {}

    /** True for multicast and broadcast addresses (the I/G bit of the first octet is set). */
    public static boolean isMulticast(long mac) { return (mac & GROUP_BIT) != 0; }

    public static boolean isBroadcast(long mac) { return mac == BROADCAST; }

    /** Parses six hex octets separated by ':' or '-' ("02:00:00:00:00:01"). */
    public static long parse(String text) {
        if (text == null) throw new IllegalArgumentException("null is not a MAC address");
        String[] parts = text.trim().split("[:-]", -1);
        if (parts.length != 6) throw bad(text);
        long mac = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 2) throw bad(text);
            int octet;
            try {
                octet = Integer.parseInt(part, 16);
            } catch (NumberFormatException e) {
                throw bad(text);
            }
            mac = (mac << 8) | octet;
        }
        return mac;
    }

    /** Lower-case, colon-separated, two digits per octet. */
    public static String format(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xFF;
            if (shift != 40) sb.append(':');
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
        }
        return sb.toString();
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not a MAC address (want six hex octets like 02:00:00:00:00:01)");
    }
}
