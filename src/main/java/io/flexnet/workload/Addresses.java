// The two ends of generated traffic: the stack under test and the client the generator plays.
package io.flexnet.workload;

import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.proto.NetConfig;

/**
 * Addresses of the stack under test and of the client side, from the benchmarking range 198.18.0.0/15
 * (RFC 2544). Flows differ by client port, so every flow answers to one client address the stack
 * learns once.
 */
public record Addresses(long stackMac, int stackIp, long clientMac, int clientIp) {
    public static final Addresses DEFAULT = new Addresses(
            MacAddress.parse("02:00:c6:12:00:02"), Ip4.parse("198.18.0.2"),
            MacAddress.parse("02:00:c6:12:00:01"), Ip4.parse("198.18.0.1"));

    /** The stack's configuration: its addresses on a /24, no gateway, MTU 1500. */
    public NetConfig stackConfig() { return new NetConfig(stackMac, stackIp, 24, 0, NetConfig.DEFAULT_MTU); }
}
