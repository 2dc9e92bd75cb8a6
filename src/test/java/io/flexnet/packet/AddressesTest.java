package io.flexnet.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** MAC and IPv4 address parsing, formatting and classes. */
class AddressesTest {

    @Test
    void parsesAndFormatsMacAddresses() {
        assertEquals(0x0200_0000_0001L, MacAddress.parse("02:00:00:00:00:01"));
        assertEquals(0x0200_0000_0001L, MacAddress.parse("02-00-00-00-00-01"));
        assertEquals(0xBC30_5BE8_D349L, MacAddress.parse("BC:30:5b:e8:d3:49"));
        assertEquals("bc:30:5b:e8:d3:49", MacAddress.format(0xBC30_5BE8_D349L));
        assertEquals("00:00:00:00:00:00", MacAddress.format(0));
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.format(MacAddress.BROADCAST));
    }

    @Test
    void refusesMalformedMacAddresses() {
        for (String bad : new String[] {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02:00:00:00:00:g1",
                "002:00:00:00:00:01", "02::00:00:00:01", "02:00:00:00:00:-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), bad);
            assertTrue(e.getMessage().contains("not a MAC address"), e.getMessage());
        }
    }

    @Test
    void classifiesMacAddresses() {
        assertTrue(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:01")));
        assertTrue(MacAddress.isMulticast(MacAddress.BROADCAST));
        assertTrue(MacAddress.isBroadcast(MacAddress.BROADCAST));
        assertFalse(MacAddress.isMulticast(MacAddress.parse("02:00:00:00:00:01")));
    }

    @Test
    void parsesAndFormatsIpv4() {
        assertEquals(0xC612_0002, Ip4.parse("198.18.0.2"));
        assertEquals("198.18.0.2", Ip4.format(0xC612_0002));
        assertEquals("255.255.255.255", Ip4.format(Ip4.BROADCAST));
        assertEquals("0.0.0.0", Ip4.format(0));
        long cidr = Ip4.parseCidr("198.18.0.2/24");
        assertEquals(0xC612_0002, Ip4.address(cidr));
        assertEquals(24, Ip4.prefix(cidr));
        assertEquals("198.18.0.2/24", Ip4.formatCidr(cidr));
    }

    @Test
    void refusesMalformedIpv4() {
        for (String bad : new String[] {"", "198.18.0", "198.18.0.2.1", "198.18.0.256", "198.18.-1.2", "198.18..2",
                "198.18.0.2 5", "1e2.0.0.1", "0x1.0.0.1"}) {
            assertThrows(IllegalArgumentException.class, () -> Ip4.parse(bad), bad);
        }
        for (String bad : new String[] {"198.18.0.2", "198.18.0.2/33", "198.18.0.2/-1", "198.18.0.2/x", "198.18.0.2/+4"}) {
            assertThrows(IllegalArgumentException.class, () -> Ip4.parseCidr(bad), bad);
        }
    }

    @Test
    void computesMasksAndClasses() {
        assertEquals(0xFFFF_FF00, Ip4.mask(24));
        assertEquals(0, Ip4.mask(0));
        assertEquals(-1, Ip4.mask(32));
        assertTrue(Ip4.sameSubnet(Ip4.parse("198.18.0.1"), Ip4.parse("198.18.0.254"), 24));
        assertFalse(Ip4.sameSubnet(Ip4.parse("198.18.0.1"), Ip4.parse("198.18.1.1"), 24));
        assertTrue(Ip4.isMulticast(Ip4.parse("224.0.0.1")));
        assertTrue(Ip4.isMulticast(Ip4.parse("239.255.255.255")));
        assertFalse(Ip4.isMulticast(Ip4.parse("240.0.0.1")));
        assertFalse(Ip4.isUnicast(0));
        assertFalse(Ip4.isUnicast(Ip4.BROADCAST));
        assertFalse(Ip4.isUnicast(Ip4.parse("224.0.0.1")));
        assertTrue(Ip4.isUnicast(Ip4.parse("198.18.0.1")));
    }
}
