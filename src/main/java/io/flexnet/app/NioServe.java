package io.flexnet.app;

import io.flexnet.runtime.RealRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * {@code java -cp flexnet.jar io.flexnet.app.NioServe ADDR HTTP-PORT RESP-PORT [SECONDS]}: the HTTP
 * and RESP servers on the kernel's TCP through {@link NioAppServer}, as a program of its own so it can
 * run inside a network namespace ({@code ip netns exec}). Prints {@code ready} once both listen, and
 * its counters when it ends after SECONDS (default 300), in case its launcher dies without stopping it.
 */
public final class NioServe {
    private NioServe() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: NioServe ADDR HTTP-PORT RESP-PORT [SECONDS]");
            System.exit(2);
        }
        InetAddress at = InetAddress.getByName(args[0]);
        long seconds = args.length > 3 ? Long.parseLong(args[3]) : 300;
        RealRuntime rt = RealRuntime.INSTANCE;
        NioAppServer http = new NioAppServer(new Http(), new InetSocketAddress(at, Integer.parseInt(args[1])), rt, 1024);
        NioAppServer resp = new NioAppServer(new Resp(), new InetSocketAddress(at, Integer.parseInt(args[2])), rt, 1024);
        http.start();
        resp.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                http.stop();
                resp.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.print(http.report());
            System.out.print(resp.report());
            System.out.flush();
        }, "nio-serve-exit"));
        System.out.println("ready " + args[0] + " http " + http.port() + " resp " + resp.port());
        System.out.flush();
        long end = rt.nanoTime() + seconds * 1_000_000_000L;
        for (long left; (left = end - rt.nanoTime()) > 0; ) rt.park(left);
        System.exit(0);
    }
}
