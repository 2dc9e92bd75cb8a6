package io.flexnet.netty;

import io.netty.channel.IoEvent;

/** The one event a {@link StreamHandle} gets: its socket changed; work it until it would block. */
public enum StreamReady implements IoEvent {
    READY
}
