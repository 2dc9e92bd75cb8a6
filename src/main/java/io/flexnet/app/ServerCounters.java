package io.flexnet.app;

import io.flexnet.packet.Counters;

/** A transport's connection counters, the same on every transport so reports compare. */
final class ServerCounters {
    static final int ACCEPTED = 0, REFUSED = 1, CLOSED = 2, PEER_CLOSED = 3, RESET = 4, IN_PLACE = 5, ANSWERED_IN_PLACE = 6;

    private final Counters counters;

    ServerCounters(String name) {
        // in-place: segments handed over at the pipeline's yield(); answered-in-place: answers sent from their slot.
        counters = new Counters(name, "accepted", "refused", "closed", "peer-closed", "reset", "in-place", "answered-in-place");
    }

    void inc(int c) { counters.inc(c); }

    Counters counters() { return counters; }

    String line() { return line(counters); }

    /** {@code label=value} for every counter, in order. */
    static String line(Counters c) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.size(); i++) sb.append(' ').append(c.label(i)).append('=').append(c.get(i));
        return sb.toString();
    }
}
