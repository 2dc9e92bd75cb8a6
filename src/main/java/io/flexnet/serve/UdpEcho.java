// The UDP echo service (RFC 862) as a run-to-completion application: each datagram is answered in place.
package io.flexnet.serve;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
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
 *
 * <p>A datagram from a well-known service port is not answered (counted as {@code service-loop}), as
 * inetd's loop check refuses it: one spoofed datagram from another host's echo or chargen port would
 * otherwise start an exchange between the two services that never ends.
 */
public final class UdpEcho implements Application {
    private static final int DATAGRAMS = 0, BYTES = 1;

    /**
     * Source ports never answered: 0, and the services that answer whatever they are sent (echo 7,
     * discard 9, systat 11, daytime 13, qotd 17, chargen 19, time 37) or are the usual reflectors
     * (domain 53, ntp 123, snmp 161, ssdp 1900) — FreeBSD inetd's loop check, widened to those.
     */
    private static final int[] LOOP_PORTS = {0, 7, 9, 11, 13, 17, 19, 37, 53, 123, 161, 1900};

    private final Counters counters = new Counters("udp-echo", "datagrams", "bytes");
    private final DropCounters drops = new DropCounters("udp-echo");

    public UdpEcho() {}

    @Override
    public int onYield(Coroutine co) {
        if (loopRisk(co.packet().srcPort)) {
            drops.drop(co.packet(), DropReason.SERVICE_LOOP);
            return CONSUMED;
        }
        counters.inc(DATAGRAMS);
        counters.add(BYTES, co.packet().payloadLength);
        return ANSWER;
    }

    /** True for a source port an echo must not answer; see the class comment. */
    public static boolean loopRisk(int srcPort) {
        for (int p : LOOP_PORTS) if (p == srcPort) return true;
        return false;
    }

    /** Datagrams not answered, by reason. */
    public DropCounters drops() { return drops; }

    /** datagrams, bytes (of payload) answered. */
    public Counters counters() { return counters; }
}
