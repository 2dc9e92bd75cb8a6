// The UDP echo served by the kernel's own UDP stack: the baseline `flexnet serve-bench` measures against.
package io.flexnet.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * {@code java -cp flexnet.jar io.flexnet.serve.KernelEcho ADDR PORT [SECONDS]}: a blocking NIO
 * {@link DatagramChannel} bound to ADDR:PORT that sends every datagram back to its sender, the plain
 * way a Java service would. Prints {@code ready ADDR:PORT} once bound, so a launcher knows when to start
 * sending; exits after SECONDS (default 300) in case its launcher dies without stopping it.
 */
public final class KernelEcho {
    private KernelEcho() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: KernelEcho ADDR PORT [SECONDS]");
            System.exit(2);
        }
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 300;
        Thread.ofPlatform().daemon().name("kernel-echo-lifetime").start(() -> {
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.exit(0);
        });
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(at);
            System.out.println("ready " + args[0] + ":" + at.getPort());
            System.out.flush();
            // A direct buffer: the channel would otherwise copy through a temporary one on every call.
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            while (true) {
                buf.clear();
                SocketAddress from = ch.receive(buf);
                buf.flip();
                ch.send(buf, from);
            }
        }
    }
}
