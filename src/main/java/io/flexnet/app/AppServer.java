package io.flexnet.app;

import io.flexnet.packet.Counters;

/** A {@link Protocol} served on one port by some transport: started, stopped, reported. */
public interface AppServer {
    /** Listens and starts serving. */
    void start() throws java.io.IOException;

    /** Stops serving and closes every connection. Idempotent. */
    void stop() throws InterruptedException;

    int port();

    Protocol protocol();

    /** Connections accepted, refused, closed, reset. */
    Counters counters();

    /** What ended the service thread other than a stop, or null. */
    Throwable failure();

    /** Lines for {@code flexnet serve}'s exit report. */
    String report();
}
