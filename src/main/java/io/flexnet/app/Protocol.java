package io.flexnet.app;

import io.flexnet.packet.Counters;

/**
 * An application protocol a transport serves: makes one {@link Session} per accepted connection and
 * keeps the counters its sessions share.
 */
public interface Protocol {
    /** A short name for reports: {@code http}, {@code resp}. */
    String name();

    /** The state of a new connection. */
    Session open();

    /** Requests, responses and errors by kind, across all sessions. */
    Counters counters();
}
