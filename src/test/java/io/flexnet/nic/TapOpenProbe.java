// Opens a TAP in a separate JVM and prints the outcome, for tests that need other privileges than theirs.
package io.flexnet.nic;

import io.flexnet.packet.PacketPool;

/** Prints "OPENED name", or the {@link TapException} kind and message (exit status 3). */
public final class TapOpenProbe {
    private TapOpenProbe() {}

    public static void main(String[] args) {
        try (PacketPool pool = new PacketPool(8); TapNic nic = TapNic.open(args[0], pool)) {
            System.out.println("OPENED " + nic.name());
        } catch (TapException e) {
            System.out.println(e.kind());
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
