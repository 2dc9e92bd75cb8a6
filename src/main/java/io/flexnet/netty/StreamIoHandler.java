package io.flexnet.netty;

import io.flexnet.runtime.StackRuntime;
import io.flexnet.socket.StreamPoller;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A Netty {@link IoHandler} over a {@link StreamPoller}: {@link #run} waits for a socket to change
 * (no longer than the event loop's next scheduled task allows), then hands every changed socket to
 * its {@link StreamHandle}. Netty's {@link #wakeup} wakes the poller, so tasks submitted from other
 * threads run at once.
 *
 * <p>Used only from its event loop's thread, but {@link #wakeup}.
 */
public final class StreamIoHandler implements IoHandler {
    private final StreamPoller poller;
    private final StackRuntime runtime;
    private final Map<Object, Registration> bySocket = new IdentityHashMap<>();

    public StreamIoHandler(StreamPoller poller, StackRuntime runtime) {
        this.poller = poller;
        this.runtime = runtime;
    }

    /** A factory giving each event loop its own poller of {@code capacity} sockets. */
    public static IoHandlerFactory factory(int capacity, StackRuntime runtime) {
        return executor -> new StreamIoHandler(new StreamPoller(capacity, runtime), runtime);
    }

    @Override
    public int run(IoHandlerContext context) {
        long wait = context.canBlock() ? Math.max(0, context.delayNanos(runtime.nanoTime())) : 0;
        Object s = poller.poll(wait);
        int handled = 0;
        while (s != null) {
            Registration r = bySocket.get(s);
            if (r != null) {
                r.handle.handle(r, StreamReady.READY);
                handled++;
            }
            s = poller.poll(0);
        }
        return handled;
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        if (!(handle instanceof StreamHandle h)) throw new IllegalArgumentException("not a StreamHandle: " + handle);
        Object s = h.socket();
        switch (s) {
            case TcpSocket c -> poller.register(c);
            case TcpListenSocket l -> poller.register(l);
            default -> throw new IllegalArgumentException("a StreamHandle's socket must be a TcpSocket or TcpListenSocket, got " + s);
        }
        Registration r = new Registration(h);
        bySocket.put(s, r);
        h.registered();
        return r;
    }

    @Override
    public void wakeup() { poller.wakeup(); }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) { return StreamHandle.class.isAssignableFrom(handleType); }

    @Override
    public void destroy() {
        for (Registration r : bySocket.values().toArray(Registration[]::new)) r.cancel();
    }

    /** Sockets currently registered here. */
    public int registered() { return bySocket.size(); }

    private final class Registration implements IoRegistration {
        final StreamHandle handle;
        boolean valid = true;

        Registration(StreamHandle handle) { this.handle = handle; }

        @SuppressWarnings("unchecked")
        @Override
        public <T> T attachment() { return (T) handle; }

        /** Readiness is always watched (the poller reports every change), so there are no ops to set. */
        @Override
        public long submit(IoOps ops) { return 0; }

        @Override
        public boolean isValid() { return valid; }

        @Override
        public boolean cancel() {
            if (!valid) return false;
            valid = false;
            bySocket.remove(handle.socket());
            handle.unregistered();
            return true;
        }
    }
}
