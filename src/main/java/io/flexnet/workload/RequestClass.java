// One kind of client traffic: a destination port, its share of the requests, its request mix and size.
package io.flexnet.workload;

import java.util.Arrays;

/**
 * A class of requests the generator sends: to {@code port}, making up {@code share} of all requests
 * (shares are weights, normalised over the classes), with a mix of request types (weights by type:
 * index {@link KvRequest#GET}, {@link KvRequest#SCAN}, {@link KvRequest#PUT}) and a UDP payload of
 * {@code payloadBytes} (at least {@link KvRequest#LENGTH}). Latency is reported per class.
 */
public record RequestClass(String name, int port, double share, double[] mix, int payloadBytes) {
    public RequestClass {
        if (port < 1 || port > 0xFFFF) throw new IllegalArgumentException("class " + name + ": port must be in [1, 65535]");
        if (!(share > 0) || Double.isInfinite(share)) throw new IllegalArgumentException("class " + name + ": share must be > 0");
        if (mix.length != 4) throw new IllegalArgumentException("class " + name + ": mix has a weight per type 1..3");
        double sum = 0;
        for (int t = 1; t < 4; t++) {
            if (!(mix[t] >= 0)) throw new IllegalArgumentException("class " + name + ": mix weights must be >= 0");
            sum += mix[t];
        }
        if (!(sum > 0)) throw new IllegalArgumentException("class " + name + ": mix needs a positive weight");
        if (payloadBytes < KvRequest.LENGTH || payloadBytes > Workload.MAX_TCP_PAYLOAD) {
            throw new IllegalArgumentException("class " + name + ": payload must be in [" + KvRequest.LENGTH + ", " + Workload.MAX_TCP_PAYLOAD + "] bytes (a datagram, " + Workload.MAX_UDP_PAYLOAD + ")");
        }
        mix = mix.clone();
    }

    /** All GETs of the smallest size. */
    public static RequestClass gets(String name, int port, double share) {
        return new RequestClass(name, port, share, new double[] {0, 1, 0, 0}, KvRequest.LENGTH);
    }

    @Override public double[] mix() { return mix.clone(); }

    @Override
    public String toString() {
        return "class " + name + " port " + port + " share " + share + " mix " + Arrays.toString(mix) + " payload " + payloadBytes;
    }
}
