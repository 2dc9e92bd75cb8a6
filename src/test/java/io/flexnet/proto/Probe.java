package io.flexnet.proto;

import io.flexnet.packet.Packet;
import java.util.ArrayList;
import java.util.List;

/** Test endpoint: keeps what it is offered (or refuses, or throws) so tests can look at it. */
final class Probe implements Endpoint {
    final int id;
    final List<Packet> got = new ArrayList<>();
    boolean refuse;
    boolean fail;

    Probe(int id) { this.id = id; }

    @Override public int id() { return id; }

    @Override
    public boolean offer(Packet p) {
        if (fail) throw new IllegalStateException("endpoint bug");
        if (refuse) return false;
        got.add(p);
        return true;
    }

    void releaseAll() {
        for (Packet p : got) p.release();
        got.clear();
    }
}
