// What the generator offers: arrivals, flows, request classes, service times, and its own seed.
package io.flexnet.workload;

import java.util.List;

/**
 * An open-loop workload, everything but the rate (set per load point): the arrival process
 * ("poisson" or "uniform"), how many distinct flows (five-tuples: one client address, {@code flows}
 * client ports), the request classes, the service time of each request type (index by type; null for a
 * type no class sends), how many keys requests spread over, and the seed that fixes the whole request
 * sequence, so every design sees the same requests; and the transport requests travel over: UDP
 * datagrams, or TCP connections ({@code flows} per request port) carrying framed requests
 * ({@link StreamFraming}).
 */
public record Workload(String arrivals, int flows, List<RequestClass> classes, ServiceTime[] service, int keys,
                       long seed, GeneratorWait generatorWait, Transport transport) {
    /** What requests travel over. */
    public enum Transport {
        /** One datagram per request, its reply one datagram: the request itself sent back. */
        UDP,
        /** Persistent connections, a connection per flow and port; each request a frame, each reply a short one. */
        TCP;

        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** Largest request over UDP (one datagram in a 1500-byte MTU) and over TCP (a frame spans segments). */
    public static final int MAX_UDP_PAYLOAD = 1472, MAX_TCP_PAYLOAD = 1 << 20;

    /** A UDP workload. */
    public Workload(String arrivals, int flows, List<RequestClass> classes, ServiceTime[] service, int keys,
                    long seed, GeneratorWait generatorWait) {
        this(arrivals, flows, classes, service, keys, seed, generatorWait, Transport.UDP);
    }

    /** How the generator waits for a request's intended send time. */
    public enum GeneratorWait {
        /** Spin on the clock: exact send times, one core spent on the generator. */
        SPIN,
        /** Park until shortly before, then spin: frees the core between sparse requests. */
        HYBRID
    }

    public Workload {
        Arrivals.of(arrivals, 1);  // refuses an unknown kind
        if (flows < 1 || flows > 0xFFFF - 1024) throw new IllegalArgumentException("flows must be in [1, 64511]");
        if (classes.isEmpty()) throw new IllegalArgumentException("a workload needs at least one request class");
        if (classes.size() > 127) throw new IllegalArgumentException("at most 127 request classes");
        if (service.length != 4) throw new IllegalArgumentException("service times by type 1..3");
        for (RequestClass c : classes) {
            double[] mix = c.mix();
            for (int t = 1; t < 4; t++) {
                if (mix[t] > 0 && service[t] == null) {
                    throw new IllegalArgumentException("class " + c.name() + " sends " + KvRequest.typeName(t)
                            + " requests but no service time is given for them");
                }
            }
        }
        if (keys < 1) throw new IllegalArgumentException("keys must be >= 1");
        java.util.Objects.requireNonNull(transport, "transport");
        int most = transport == Transport.UDP ? MAX_UDP_PAYLOAD : MAX_TCP_PAYLOAD;
        for (RequestClass c : classes) {
            if (c.payloadBytes() > most) {
                throw new IllegalArgumentException("class " + c.name() + "'s payload of " + c.payloadBytes()
                        + " bytes is more than " + transport.label() + " carries (" + most + ")");
            }
        }
        classes = List.copyOf(classes);
        service = service.clone();
    }

    @Override public ServiceTime[] service() { return service.clone(); }

    /** Mean service time of a request, over the class shares and mixes: the work per request. */
    public double meanServiceNanos() {
        double shareSum = 0, total = 0;
        for (RequestClass c : classes) shareSum += c.share();
        for (RequestClass c : classes) {
            double[] mix = c.mix();
            double mixSum = mix[1] + mix[2] + mix[3];
            double mean = 0;
            for (int t = 1; t < 4; t++) if (mix[t] > 0) mean += mix[t] / mixSum * service[t].meanNanos();
            total += c.share() / shareSum * mean;
        }
        return total;
    }

    /** The same workload with the named classes' shares replaced (a design may be offered its own mix). */
    public Workload withShares(java.util.Map<String, Double> shares) {
        List<RequestClass> changed = classes.stream().map(c -> shares.containsKey(c.name())
                ? new RequestClass(c.name(), c.port(), shares.get(c.name()), c.mix(), c.payloadBytes()) : c).toList();
        return new Workload(arrivals, flows, changed, service, keys, seed, generatorWait, transport);
    }

    /** The same workload restricted to the named classes (a design may be offered only some). */
    public Workload only(List<String> names) {
        List<RequestClass> kept = classes.stream().filter(c -> names.contains(c.name())).toList();
        return new Workload(arrivals, flows, kept, service, keys, seed, generatorWait, transport);
    }

    public int classIndex(String name) {
        for (int i = 0; i < classes.size(); i++) if (classes.get(i).name().equals(name)) return i;
        return -1;
    }
}
