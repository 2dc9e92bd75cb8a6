// A closed-loop UDP echo client: one request outstanding, every round trip timed, several servers compared.
package io.flexnet.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * {@code java -cp flexnet.jar io.flexnet.serve.EchoClient [--requests N] [--warmup N] [--rounds R]
 * [--size BYTES] NAME=ADDR:PORT...}: sends N datagrams of BYTES bytes to each echo server, the next only
 * when the answer to the last has come back, and prints round trips per second and round-trip times.
 *
 * <p>The servers take turns in R rounds of N/R requests (after a warm-up of each), so a burst of noise
 * from other processes on the machine lands on all of them rather than on one. Each request carries a
 * sequence number and the rest of its bytes follow from it; an answer is counted only if it is the
 * request's own bytes (a late answer to an earlier request is skipped, a wrong one counted as corrupt).
 * A request unanswered for a second is counted lost and the next is sent; after {@value #GIVE_UP} in a
 * row the client stops with status 1, naming the server. The first server is also compared to each
 * of the others.
 */
public final class EchoClient {
    private static final int TIMEOUT_MILLIS = 1000;
    /** Unanswered requests in a row after which a server is taken for dead rather than waited for. */
    private static final int GIVE_UP = 5;
    /** Up to 10 s, three significant digits. */
    private static final long HIGHEST_NANOS = 10_000_000_000L;

    /** One server and what was measured against it. */
    static final class Target {
        final String name;
        final InetSocketAddress address;
        final Histogram rtt = new Histogram(1, HIGHEST_NANOS, 3);
        long nanos;
        long lost;
        long corrupt;

        Target(String name, InetSocketAddress address) {
            this.name = name;
            this.address = address;
        }

        double perSecond() { return nanos == 0 ? 0 : rtt.getTotalCount() * 1e9 / nanos; }

        double micros(double percentile) { return rtt.getValueAtPercentile(percentile) / 1000.0; }
    }

    private EchoClient() {}

    public static void main(String[] args) throws IOException {
        int requests = 20_000, warmup = 2_000, rounds = 4, size = 64;
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                default -> targets.add(target(args[i]));
            }
        }
        if (targets.isEmpty() || size < 8 || size > 65_507 || rounds < 1 || requests < rounds) {
            System.err.println("usage: EchoClient [--requests N] [--warmup N] [--rounds R] [--size 8..65507]"
                    + " NAME=ADDR:PORT...");
            System.exit(2);
        }
        try {
            run(targets, requests, warmup, rounds, size);
        } catch (IOException e) {
            System.err.println("EchoClient: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            System.exit(1);
        }
        print(System.out, targets, size);
    }

    static Target target(String spec) throws IOException {
        int eq = spec.indexOf('='), colon = spec.lastIndexOf(':');
        if (eq < 1 || colon < eq) throw new IllegalArgumentException("not NAME=ADDR:PORT: " + spec);
        return new Target(spec.substring(0, eq), new InetSocketAddress(
                InetAddress.getByName(spec.substring(eq + 1, colon)), Integer.parseInt(spec.substring(colon + 1))));
    }

    static void run(List<Target> targets, int requests, int warmup, int rounds, int size) throws IOException {
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (Target t : targets) {
                DatagramSocket s = new DatagramSocket();
                s.setSoTimeout(TIMEOUT_MILLIS);
                s.connect(t.address);
                sockets.add(s);
            }
            byte[] out = new byte[size];
            byte[] in = new byte[size + 1];  // one spare byte shows an answer longer than the request
            long seq = 0;
            for (int i = 0; i < targets.size(); i++) seq = exchange(sockets.get(i), null, warmup, seq, out, in);
            int perRound = requests / rounds;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < targets.size(); i++) {
                    Target t = targets.get(i);
                    long start = System.nanoTime();
                    seq = exchange(sockets.get(i), t, perRound, seq, out, in);
                    t.nanos += System.nanoTime() - start;
                }
            }
        } finally {
            for (DatagramSocket s : sockets) s.close();
        }
    }

    /** {@code n} round trips on {@code s}, recorded in {@code t} unless it is null (warm-up). */
    private static long exchange(DatagramSocket s, Target t, int n, long seq, byte[] out, byte[] in)
            throws IOException {
        DatagramPacket send = new DatagramPacket(out, out.length);
        DatagramPacket recv = new DatagramPacket(in, in.length);
        ByteBuffer ob = ByteBuffer.wrap(out), ib = ByteBuffer.wrap(in);
        int silent = 0;
        for (int k = 0; k < n; k++, seq++) {
            fill(ob, seq);
            long sent = System.nanoTime();
            s.send(send);
            while (true) {
                recv.setLength(in.length);
                try {
                    s.receive(recv);
                } catch (SocketTimeoutException e) {
                    if (t != null) t.lost++;
                    if (++silent == GIVE_UP) {
                        throw new IOException(GIVE_UP + " requests in a row to " + s.getRemoteSocketAddress()
                                + " got no answer");
                    }
                    break;
                }
                silent = 0;
                long now = System.nanoTime();
                if (recv.getLength() >= 8 && ib.getLong(0) < seq) continue;  // late answer to a lost one
                if (recv.getLength() != out.length || !java.util.Arrays.equals(in, 0, out.length, out, 0, out.length)) {
                    if (t != null) t.corrupt++;
                } else if (t != null) {
                    t.rtt.recordValue(Math.min(now - sent, HIGHEST_NANOS));
                }
                break;
            }
        }
        return seq;
    }

    /** The sequence number, then bytes that follow from it, so a swapped or damaged answer shows. */
    private static void fill(ByteBuffer b, long seq) {
        b.putLong(0, seq);
        for (int i = 8; i < b.capacity(); i++) b.put(i, (byte) (seq * 31 + i));
    }

    static void print(PrintStream out, List<Target> targets, int size) {
        out.printf(Locale.ROOT, "%d-byte datagrams, one outstanding%n", size);
        out.printf(Locale.ROOT, "%-10s %-22s %9s %6s %8s %14s %8s %8s %8s %8s%n", "server", "address", "answered",
                "lost", "corrupt", "round trips/s", "p50 µs", "p99 µs", "p99.9 µs", "max µs");
        for (Target t : targets) {
            out.printf(Locale.ROOT, "%-10s %-22s %9d %6d %8d %14.0f %8.1f %8.1f %8.1f %8.1f%n", t.name,
                    t.address.getAddress().getHostAddress() + ":" + t.address.getPort(), t.rtt.getTotalCount(),
                    t.lost, t.corrupt, t.perSecond(), t.micros(50), t.micros(99), t.micros(99.9),
                    t.rtt.getMaxValue() / 1000.0);
        }
        Target a = targets.get(0);
        for (Target b : targets.subList(1, targets.size())) {
            out.printf(Locale.ROOT, "%s / %s: round trips/s %.2f, p50 %.2f, p99 %.2f%n", a.name, b.name,
                    a.perSecond() / b.perSecond(), a.micros(50) / b.micros(50), a.micros(99) / b.micros(99));
        }
    }
}
