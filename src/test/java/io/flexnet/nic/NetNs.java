// A throw-away Linux network namespace for tests that use the kernel as a real network peer.
package io.flexnet.nic;

import io.flexnet.fixture.Hosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Creates a uniquely named namespace ({@code ip netns add}), takes in interfaces the JVM opened in the
 * root namespace ({@code ip link set NAME netns NS}), configures and runs commands inside it with time
 * limits, and deletes it on {@link #close()} (which also removes any interface moved in). A JVM
 * shutdown hook deletes namespaces a test failed to close, and namespaces left by a JVM that was killed
 * are deleted the next time one is made.
 *
 * <pre>{@code
 * NetNs.assumeAvailable();
 * try (NetNs ns = NetNs.create()) {
 *     ns.adopt("fx0");
 *     ns.configure("fx0", "198.18.0.1/24");
 *     ns.exec(Duration.ofSeconds(3), "ping", "-c", "1", "-W", "1", "198.18.0.2");
 * }
 * }</pre>
 */
public final class NetNs implements AutoCloseable {
    private static final String PREFIX = "fxns-";
    private static final Pattern OURS = Pattern.compile(PREFIX + "(\\d+)-\\d+");
    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f]{2}(?::[0-9a-f]{2}){5})");
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Set<NetNs> LIVE = new LinkedHashSet<>();
    private static boolean hookAdded;

    private final String name;
    private final List<Shell.Spawned> background = new ArrayList<>();
    private boolean closed;

    private NetNs(String name) { this.name = name; }

    /**
     * Skips the calling test, with the reason printed, unless this process can make namespaces and TAP
     * devices: root with CAP_NET_ADMIN and CAP_SYS_ADMIN, {@code /dev/net/tun}, and the {@code ip} command.
     */
    public static void assumeAvailable() {
        String why = missing();
        if (why != null) System.err.println("SKIPPED (needs a real kernel peer): " + why);
        Assumptions.assumeTrue(why == null, why);
    }

    /** Skips the calling test, with the reason printed, unless {@code command} is installed. */
    public static void assumeCommand(String command, String debianPackage) {
        boolean has = Shell.has(command);
        String why = command + " is not installed (apt-get install " + debianPackage + ")";
        if (!has) System.err.println("SKIPPED: " + why);
        Assumptions.assumeTrue(has, why);
    }

    private static String missing() {
        if (!Tun.supported()) return "not Linux on x86_64/aarch64";
        long caps = effectiveCapabilities();
        if (caps < 0) return "cannot read capabilities from /proc/self/status";
        // include/uapi/linux/capability.h: CAP_NET_ADMIN is 12, CAP_SYS_ADMIN is 21.
        if ((caps & (1L << 12)) == 0) return "not root: CAP_NET_ADMIN is missing (run the tests as root)";
        if ((caps & (1L << 21)) == 0) return "CAP_SYS_ADMIN is missing, so no network namespace can be made";
        if (!Files.exists(Path.of("/dev/net/tun"))) return "/dev/net/tun is missing (modprobe tun)";
        if (!Shell.has("ip")) return "the ip command is missing (apt-get install iproute2)";
        return null;
    }

    private static long effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Makes a new namespace named {@code fxns-PID-N}. */
    public static NetNs create() {
        synchronized (LIVE) {
            if (!hookAdded) {
                removeLeftovers();
                Runtime.getRuntime().addShutdownHook(new Thread(NetNs::closeAll, "netns-cleanup"));
                hookAdded = true;
            }
        }
        NetNs ns = new NetNs(PREFIX + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        Shell.run(Shell.QUICK, "ip", "netns", "add", ns.name).orFail();
        synchronized (LIVE) {
            LIVE.add(ns);
        }
        return ns;
    }

    public String name() { return name; }

    /** Moves interface {@code ifname} from the root namespace into this one; open files keep serving it. */
    public void adopt(String ifname) {
        Shell.run(Shell.QUICK, "ip", "link", "set", "dev", ifname, "netns", name).orFail();
    }

    /**
     * Gives {@code ifname} address {@code cidr} and brings it and loopback up. IPv6 is switched off on
     * it first, so the kernel sends nothing unasked (no router solicitations, no MLD reports): every
     * frame a test sees is one it caused.
     */
    public void configure(String ifname, String cidr) {
        sysctl("net.ipv6.conf." + ifname + ".disable_ipv6", "1");
        ip("addr", "add", cidr, "dev", ifname).orFail();
        ip("link", "set", "dev", ifname, "up").orFail();
        ip("link", "set", "dev", "lo", "up").orFail();
    }

    /** Sets a sysctl of this namespace (writes /proc/sys as seen from inside it). */
    public void sysctl(String key, String value) {
        String path = "/proc/sys/" + key.replace('.', '/');
        exec(Shell.QUICK, "sh", "-c", "echo " + value + " > " + path).orFail();
    }

    /** The MAC address of {@code ifname} inside this namespace, as 48 bits. */
    public long mac(String ifname) {
        Shell.Result r = ip("link", "show", "dev", ifname).orFail();
        Matcher m = MAC.matcher(r.stdout());
        if (!m.find()) throw new AssertionError("no MAC in: " + r.stdout());
        return Hosts.mac(m.group(1));
    }

    /** {@code ip -n NS args...}, within {@link Shell#QUICK}. */
    public Shell.Result ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return Shell.run(Shell.QUICK, cmd);
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}), killed at {@code timeout}. */
    public Shell.Result exec(Duration timeout, String... command) {
        return Shell.run(timeout, inside(command));
    }

    /** Starts {@code command} inside the namespace in the background; killed by {@link #close()} at the latest. */
    public Shell.Spawned spawn(String... command) { return spawnWithInput(null, command); }

    /**
     * As {@link #spawn}, feeding {@code input} to the command's standard input, e.g. a datagram for
     * {@code socat -t 1 - UDP:198.18.0.2:7}, whose answer then shows in {@code await(...).stdout()}.
     */
    public Shell.Spawned spawnWithInput(String input, String... command) {
        Shell.Spawned s = Shell.spawn(inside(command), input);
        synchronized (background) {
            background.add(s);
        }
        return s;
    }

    private List<String> inside(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return cmd;
    }

    /** Kills what still runs inside and deletes the namespace, with every interface in it. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        synchronized (background) {
            for (Shell.Spawned s : background) s.close();
            background.clear();
        }
        Shell.run(Shell.QUICK, "ip", "netns", "del", name);
        synchronized (LIVE) {
            LIVE.remove(this);
        }
    }

    private static void closeAll() {
        List<NetNs> left;
        synchronized (LIVE) {
            left = new ArrayList<>(LIVE);
        }
        for (NetNs ns : left) ns.close();
    }

    /** Deletes namespaces named by this helper in processes that no longer run (killed test JVMs). */
    static void removeLeftovers() {
        Shell.Result r = Shell.run(Shell.QUICK, "ip", "netns", "list");
        if (!r.ok()) return;
        for (String line : r.stdout().split("\n")) {
            String ns = line.split(" ", 2)[0].trim();
            Matcher m = OURS.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                Shell.run(Shell.QUICK, "ip", "netns", "del", ns);
            }
        }
    }

    @Override
    public String toString() { return "NetNs[" + name + "]"; }
}
