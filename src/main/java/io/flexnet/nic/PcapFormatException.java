package io.flexnet.nic;

import java.io.IOException;

/** A pcap file that is not what its header promises: bad magic, unknown version, a truncated record. */
public final class PcapFormatException extends IOException {
    public PcapFormatException(String message) {
        super(message);
    }
}
