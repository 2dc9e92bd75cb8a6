package io.flexnet.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import org.junit.jupiter.api.Test;

/** Interface configuration: parsing, derived addresses, refusals that name the field. */
class NetConfigTest {

    @Test
    void parsesAddressesAndDerivesTheSubnet() {
        NetConfig c = NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/24", "198.18.0.1", 1500);
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), c.mac());
        assertEquals(Ip4.parse("198.18.0.2"), c.ip());
        assertEquals(24, c.prefixLength());
        assertEquals(Ip4.parse("198.18.0.1"), c.gateway());
        assertEquals(Ip4.parse("198.18.0.255"), c.broadcast());
        assertTrue(c.onLink(Ip4.parse("198.18.0.200")));
        assertFalse(c.onLink(Ip4.parse("198.18.1.1")));
        assertTrue(c.isBroadcast(Ip4.BROADCAST));
        assertEquals("NetConfig[mac=02:00:00:00:00:01, ip=198.18.0.2/24, gateway=198.18.0.1, mtu=1500]", c.toString());
        assertEquals(0, NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/24", " ", 1500).gateway());
        assertEquals(Ip4.BROADCAST, NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/32", null, 1500).broadcast());
    }

    @Test
    void refusesBadValuesNamingTheField() {
        assertField("mac", () -> NetConfig.parse("01:00:5e:00:00:01", "198.18.0.2/24", null, 1500));
        assertField("mac", () -> NetConfig.parse("02:00:00:00:00", "198.18.0.2/24", null, 1500));
        assertField("mac", () -> new NetConfig(0, Ip4.parse("198.18.0.2"), 24, 0, 1500));
        assertField("ip", () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.2", null, 1500));
        assertField("ip", () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.0/24", null, 1500));
        assertField("ip", () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.255/24", null, 1500));
        assertField("ip", () -> NetConfig.parse("02:00:00:00:00:01", "224.0.0.1/24", null, 1500));
        assertField("ip", () -> NetConfig.parse("02:00:00:00:00:01", "127.0.0.1/8", null, 1500));
        assertField("prefixLength", () -> new NetConfig(2, Ip4.parse("198.18.0.2"), 0, 0, 1500));
        assertField("gateway", () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/24", "198.18.1.1", 1500));
        assertField("gateway", () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/24", "198.18.0.2", 1500));
        assertField("gateway", () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/24", "198.18.0.x", 1500));
        assertField("mtu", () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/24", null, 67));
        assertField("mtu", () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/24", null, 9217));
    }

    @Test
    void givesOnePrefixRangeForEveryBadPrefixAsTyped() {
        // The parser alone would take /0 and leave the constructor to refuse it in other words.
        for (String len : new String[] {"0", "33", "x", "+8", "", " 24", "999999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NetConfig.parse("02:00:00:00:00:01", "198.18.0.2/" + len, null, 1500));
            assertEquals("ip: prefix length must be a whole number in [1, 32], got '" + len + "'", e.getMessage());
        }
    }

    @Test
    void namesTheAddressAsTypedFirst() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetConfig.parse("02:00:00:00:00:01", "300.1.1.1/0", null, 1500));
        assertEquals("ip: '300.1.1.1' is not an IPv4 address (want four decimal octets like 198.18.0.2)", e.getMessage());
    }

    private static void assertField(String field, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
    }
}
