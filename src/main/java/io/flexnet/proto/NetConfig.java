package io.flexnet.proto;

import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;

/**
 * The addresses of one stack instance: its Ethernet address, its IPv4 address and prefix, the default
 * gateway (0 for none) and the MTU (largest IPv4 datagram it sends or expects). Addresses in host order.
 * Construction refuses bad values with a message that names the field.
 *
 * <pre>{@code
 * NetConfig cfg = NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/24", "198.18.0.1", 1500);
 * }</pre>
 */
public record NetConfig(long mac, int ip, int prefixLength, int gateway, int mtu) {
    /** RFC 791: every host must accept 68-byte datagrams; below that, nothing works. */
    public static final int MIN_MTU = 68;
    /** Common jumbo-frame ceiling. */
    public static final int MAX_MTU = 9216;
    public static final int DEFAULT_MTU = 1500;

    public NetConfig {
        if (mac == 0 || (mac & ~MacAddress.BROADCAST) != 0) {
            throw new IllegalArgumentException("mac: " + Long.toHexString(mac) + " is not a usable 48-bit address");
        }
        if (MacAddress.isMulticast(mac)) {
            throw new IllegalArgumentException("mac: " + MacAddress.format(mac) + " is a multicast address");
        }
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefixLength: must be in [1, 32], got " + prefixLength);
        }
        if (!Ip4.isUnicast(ip) || (ip >>> 24) == 127) {
            throw new IllegalArgumentException("ip: " + Ip4.format(ip) + " is not a unicast host address");
        }
        int mask = Ip4.mask(prefixLength);
        if (prefixLength <= 30 && ((ip & ~mask) == 0 || (ip | mask) == -1)) {
            throw new IllegalArgumentException("ip: " + Ip4.format(ip) + " is the network or broadcast address of /"
                    + prefixLength);
        }
        if (gateway != 0) {
            if (!Ip4.isUnicast(gateway) || gateway == ip) {
                throw new IllegalArgumentException("gateway: " + Ip4.format(gateway) + " is not a usable router address");
            }
            if (((gateway ^ ip) & mask) != 0) {
                throw new IllegalArgumentException("gateway: " + Ip4.format(gateway) + " is not on-link for "
                        + Ip4.format(ip) + "/" + prefixLength);
            }
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu: must be in [" + MIN_MTU + ", " + MAX_MTU + "], got " + mtu);
        }
    }

    /**
     * From text: {@code cidr} like "198.18.0.2/24"; {@code gateway} null or blank for none. Parse errors
     * name the field as construction errors do.
     */
    public static NetConfig parse(String mac, String cidr, String gateway, int mtu) {
        long m;
        try {
            m = MacAddress.parse(mac);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mac: " + e.getMessage(), e);
        }
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("ip: '" + cidr + "' has no prefix length (want address/length like 198.18.0.2/24)");
        }
        int ip;
        try {
            ip = Ip4.parse(cidr.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ip: " + e.getMessage(), e);
        }
        // Checked here rather than left to Ip4.parseCidr, which takes /0, so that every bad prefix, as
        // typed, gets the one range a host address can have.
        String len = cidr.substring(slash + 1);
        int prefix = len.matches("[0-9]{1,2}") ? Integer.parseInt(len) : -1;
        if (prefix < 1 || prefix > 32) {
            throw new IllegalArgumentException("ip: prefix length must be a whole number in [1, 32], got '" + len + "'");
        }
        int gw = 0;
        if (gateway != null && !gateway.isBlank()) {
            try {
                gw = Ip4.parse(gateway);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gateway: " + e.getMessage(), e);
            }
        }
        return new NetConfig(m, ip, prefix, gw, mtu);
    }

    public int mask() { return Ip4.mask(prefixLength); }

    /** The directed broadcast address of the subnet; for /31 and /32, which have none, 255.255.255.255. */
    public int broadcast() { return prefixLength >= 31 ? Ip4.BROADCAST : ip | ~mask(); }

    /** Reachable without a router. */
    public boolean onLink(int addr) { return ((addr ^ ip) & mask()) == 0; }

    /** Limited or directed broadcast. */
    public boolean isBroadcast(int addr) { return addr == Ip4.BROADCAST || addr == broadcast(); }

    @Override
    public String toString() {
        return "NetConfig[mac=" + MacAddress.format(mac) + ", ip=" + Ip4.format(ip) + "/" + prefixLength
                + ", gateway=" + (gateway == 0 ? "none" : Ip4.format(gateway)) + ", mtu=" + mtu + "]";
    }
}
