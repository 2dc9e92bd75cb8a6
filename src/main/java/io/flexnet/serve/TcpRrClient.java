// A closed-loop TCP request/response client: one request outstanding on one connection, every round trip timed.
package io.flexnet.serve;

import io.flexnet.runtime.RealRuntime;
import io.flexnet.runtime.StackRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * {@code java -cp flexnet.jar io.flexnet.serve.TcpRrClient [--requests N] [--warmup N] [--rounds R]
 * [--size BYTES] NAME=ADDR:PORT...}: opens one connection (TCP_NODELAY) to each echo server, sends a
 * request of BYTES bytes, reads the whole answer back before sending the next, and prints round trips
 * per second and round-trip times: the request/response figure of netperf's TCP_RR.
 *
 * <p>As {@link EchoClient} does for UDP, the servers take turns in R rounds so noise on a shared
 * machine lands on all of them, and each request carries a sequence number and bytes that follow from
 * it, so an answer that is not the request's own is counted corrupt. A stream loses nothing, so there
 * is no loss column; a connection that fails ends the client with status 1, naming the server. Time is
 * read through the runtime's clock.
 */
public final class TcpRrClient {
    private static final long HIGHEST_NANOS = 10_000_000_000L;
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    static final class Target {
        final String name;
        final InetSocketAddress address;
        final Histogram rtt = new Histogram(1, HIGHEST_NANOS, 3);
        long nanos;
        long corrupt;

        Target(String name, InetSocketAddress address) {
            this.name = name;
            this.address = address;
        }

        double perSecond() { return nanos == 0 ? 0 : rtt.getTotalCount() * 1e9 / nanos; }

        double micros(double percentile) { return rtt.getValueAtPercentile(percentile) / 1000.0; }
    }

    private TcpRrClient() {}

    public static void main(String[] args) {
        int requests = 20_000, warmup = 2_000, rounds = 4, size = 64;
        List<Target> targets = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--requests" -> requests = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--size" -> size = Integer.parseInt(args[++i]);
                    default -> targets.add(target(args[i]));
                }
            }
        } catch (RuntimeException | IOException e) {
            targets.clear();
        }
        if (targets.isEmpty() || size < 8 || size > 1 << 20 || rounds < 1 || requests < rounds) {
            System.err.println("usage: TcpRrClient [--requests N] [--warmup N] [--rounds R] [--size 8..1048576]"
                    + " NAME=ADDR:PORT...");
            System.exit(2);
        }
        try {
            run(targets, requests, warmup, rounds, size, RealRuntime.INSTANCE);
        } catch (IOException e) {
            System.err.println("TcpRrClient: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            System.exit(1);
        }
        print(targets, size);
    }

    static Target target(String spec) throws IOException {
        int eq = spec.indexOf('='), colon = spec.lastIndexOf(':');
        if (eq < 1 || colon < eq) throw new IllegalArgumentException("not NAME=ADDR:PORT: " + spec);
        return new Target(spec.substring(0, eq), new InetSocketAddress(
                InetAddress.getByName(spec.substring(eq + 1, colon)), Integer.parseInt(spec.substring(colon + 1))));
    }

    static void run(List<Target> targets, int requests, int warmup, int rounds, int size, StackRuntime rt)
            throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (Target t : targets) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.setSoTimeout(READ_TIMEOUT_MILLIS);
                try {
                    s.connect(t.address, READ_TIMEOUT_MILLIS);
                } catch (IOException e) {
                    throw new IOException(t.name + " " + t.address + ": " + e.getMessage(), e);
                }
                sockets.add(s);
            }
            byte[] out = new byte[size], in = new byte[size];
            long seq = 0;
            for (int i = 0; i < targets.size(); i++) seq = exchange(sockets.get(i), targets.get(i), null, warmup, seq, out, in, rt);
            int perRound = requests / rounds;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < targets.size(); i++) {
                    Target t = targets.get(i);
                    long start = rt.nanoTime();
                    seq = exchange(sockets.get(i), t, t, perRound, seq, out, in, rt);
                    t.nanos += rt.nanoTime() - start;
                }
            }
        } finally {
            for (Socket s : sockets) s.close();
        }
    }

    private static long exchange(Socket s, Target who, Target t, int n, long seq, byte[] out, byte[] in, StackRuntime rt)
            throws IOException {
        OutputStream os = s.getOutputStream();
        InputStream is = s.getInputStream();
        ByteBuffer ob = ByteBuffer.wrap(out);
        for (int k = 0; k < n; k++, seq++) {
            ob.putLong(0, seq);
            for (int i = 8; i < out.length; i++) out[i] = (byte) (seq * 31 + i);
            long sent = rt.nanoTime();
            os.write(out);
            for (int got = 0; got < in.length; ) {
                int r;
                try {
                    r = is.read(in, got, in.length - got);
                } catch (IOException e) {
                    throw new IOException(who.name + " " + who.address + ": " + e.getMessage(), e);
                }
                if (r < 0) throw new IOException(who.name + " " + who.address + " closed the connection");
                got += r;
            }
            long now = rt.nanoTime();
            if (t == null) continue;
            if (!java.util.Arrays.equals(in, out)) t.corrupt++;
            else t.rtt.recordValue(Math.min(now - sent, HIGHEST_NANOS));
        }
        return seq;
    }

    static void print(List<Target> targets, int size) {
        System.out.printf(Locale.ROOT, "%d-byte requests and answers over one TCP connection, one outstanding%n", size);
        System.out.printf(Locale.ROOT, "%-10s %-22s %9s %8s %14s %8s %8s %8s %8s%n", "server", "address", "answered",
                "corrupt", "round trips/s", "p50 µs", "p99 µs", "p99.9 µs", "max µs");
        for (Target t : targets) {
            System.out.printf(Locale.ROOT, "%-10s %-22s %9d %8d %14.0f %8.1f %8.1f %8.1f %8.1f%n", t.name,
                    t.address.getAddress().getHostAddress() + ":" + t.address.getPort(), t.rtt.getTotalCount(),
                    t.corrupt, t.perSecond(), t.micros(50), t.micros(99), t.micros(99.9), t.rtt.getMaxValue() / 1000.0);
        }
        if (targets.size() == 2) {
            Target a = targets.get(0), b = targets.get(1);
            System.out.printf(Locale.ROOT, "%s / %s: round trips/s %.2f, p50 %.2f, p99 %.2f%n", a.name, b.name,
                    a.perSecond() / b.perSecond(), a.micros(50) / b.micros(50), a.micros(99) / b.micros(99));
        }
    }
}
