// The UDP echo service (RFC 862) as a run-to-completion application: each datagram is answered in place.
package io.flexnet.serve;

import io.flexnet.packet.Counters;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.proto.Endpoint;

/**
 * Sends every datagram back to its sender unchanged. It sits at the {@code yield()} of an Rx+Tx
 * pipeline: the payload is already where the reply's payload goes, so answering is returning
 * {@link Application#ANSWER} — the pipeline swaps addresses and ports and the send layers build the
 * reply's headers in front of the same bytes.
 *
 * <p>It is also the {@link Endpoint} bound to the echo port, because {@code udp_rcv} passes on only
 * datagrams for a bound port (the rest get ICMP port unreachable). In an Rx+Tx pipeline nothing ever
 * reaches {@link #offer}: there is no {@code socket_rcv}. An Rx pipeline that delivers to it instead is
 * refused datagram by datagram ({@code socket-full}), since an endpoint has no send path to echo on.
 */
public final class UdpEcho implements Application, Endpoint {
    private static final int DATAGRAMS = 0, BYTES = 1;

    private final int id;
    private final Counters counters = new Counters("udp-echo", "datagrams", "bytes");

    /** {@code id} is the endpoint id {@code udp_rcv} stores in {@link Packet#owner}. */
    public UdpEcho(int id) { this.id = id; }

    @Override
    public int onYield(Coroutine co) {
        counters.inc(DATAGRAMS);
        counters.add(BYTES, co.packet().payloadLength);
        return ANSWER;
    }

    @Override public int id() { return id; }

    @Override public boolean offer(Packet p) { return false; }

    /** datagrams, bytes (of payload) answered. */
    public Counters counters() { return counters; }
}
