package io.flexnet.proto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * UDP port → {@link Endpoint}, as a flat array indexed by port (64 Ki references: a lookup is one
 * load), and endpoint id → endpoint for {@code socket_rcv}. Binding is rare and synchronized; lookups
 * are per packet and lock-free: acquire loads pair with the release stores of {@link #bind}, so an
 * endpoint is seen fully built.
 */
public final class PortTable {
    public static final int MAX_ENDPOINT_ID = 0xFFFF;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Endpoint[].class);

    private final Endpoint[] byPort = new Endpoint[0x10000];
    private final Endpoint[] byId = new Endpoint[MAX_ENDPOINT_ID + 1];
    /** Ports bound per endpoint id, so the id entry goes when its last port does. */
    private final int[] portsOfId = new int[MAX_ENDPOINT_ID + 1];

    /** Binds {@code port} (1..65535) to {@code endpoint}; refuses a taken port or an id used by another endpoint. */
    public synchronized void bind(int port, Endpoint endpoint) {
        if (port < 1 || port > 0xFFFF) throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
        if (endpoint == null) throw new IllegalArgumentException("endpoint for port " + port + " is null");
        int id = endpoint.id();
        if (id < 0 || id > MAX_ENDPOINT_ID) {
            throw new IllegalArgumentException("endpoint id must be in [0, " + MAX_ENDPOINT_ID + "], got " + id);
        }
        Endpoint taken = byPort[port];
        if (taken != null) {
            throw new IllegalStateException("port " + port + " is already bound to endpoint " + taken.id());
        }
        Endpoint sameId = byId[id];
        if (sameId != null && sameId != endpoint) {
            throw new IllegalStateException("endpoint id " + id + " is already used by another endpoint");
        }
        portsOfId[id]++;
        SLOT.setRelease(byId, id, endpoint);
        SLOT.setRelease(byPort, port, endpoint);
    }

    /** Unbinds {@code port}; returns the endpoint it had, or null. */
    public synchronized Endpoint unbind(int port) {
        if (port < 1 || port > 0xFFFF) return null;
        Endpoint e = byPort[port];
        if (e == null) return null;
        SLOT.setRelease(byPort, port, (Endpoint) null);
        int id = e.id();
        if (--portsOfId[id] == 0) SLOT.setRelease(byId, id, (Endpoint) null);
        return e;
    }

    /** The endpoint bound to {@code port} (0..65535), or null. */
    public Endpoint get(int port) { return (Endpoint) SLOT.getAcquire(byPort, port); }

    /** The endpoint with {@code id}, or null when none is bound (any more). */
    public Endpoint endpoint(int id) {
        if (id < 0 || id > MAX_ENDPOINT_ID) return null;
        return (Endpoint) SLOT.getAcquire(byId, id);
    }
}
