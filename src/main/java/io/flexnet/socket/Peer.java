package io.flexnet.socket;

import io.flexnet.packet.Ip4;

/**
 * Where a received datagram came from, filled by {@link UdpSocket#receive}: a reusable holder, so
 * receiving allocates nothing (the C API's {@code struct sockaddr_in} out-parameter).
 */
public final class Peer {
    /** Sender's IPv4 address, host order. */
    public int ip;
    /** Sender's UDP port. */
    public int port;
    /** Bytes of the datagram's payload; more than were copied when the buffer was too small. */
    public int length;

    @Override
    public String toString() { return Ip4.format(ip) + ":" + port + " (" + length + " bytes)"; }
}
