// The UDP echo service (RFC 862) as a run-to-completion application: each datagram is answered in place.
package io.flexnet.serve;

import io.flexnet.packet.Counters;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutine;

/**
 * Sends every datagram back to its sender unchanged. It sits at the {@code yield()} of an Rx+Tx
 * pipeline: the payload is already where the reply's payload goes, so answering is returning
 * {@link Application#ANSWER} — the pipeline swaps addresses and ports and the send layers build the
 * reply's headers in front of the same bytes.
 *
 * The echo port is opened with {@link Endpoint#servedAtYield}, since {@code udp_rcv} passes on
 * only datagrams for a bound port (the rest get ICMP port unreachable).
 */
public final class UdpEcho implements Application {
    private static final int DATAGRAMS = 0, BYTES = 1;

    private final Counters counters = new Counters("udp-echo", "datagrams", "bytes");

    public UdpEcho() {}

    @Override
    public int onYield(Coroutine co) {
        counters.inc(DATAGRAMS);
        counters.add(BYTES, co.packet().payloadLength);
        return ANSWER;
    }

    /** datagrams, bytes (of payload) answered. */
    public Counters counters() { return counters; }
}
