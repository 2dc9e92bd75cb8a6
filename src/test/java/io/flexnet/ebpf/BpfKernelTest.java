package io.flexnet.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.Tenants;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.policy.Requests;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same {@code sk_reuseport} object in the Linux kernel: loaded with bpf(2), attached with
 * SO_ATTACH_REUSEPORT_EBPF to four kernel UDP sockets in a reuseport group, in a network namespace
 * the test makes (198.18.7.1 on its loopback). The kernel's choice of socket for each datagram is ours.
 * Skipped with the reason where the kernel refuses (no CAP_BPF, no namespaces).
 */
class BpfKernelTest {
    static final int PORT = 9000, SOCKS = 4, REQUESTS = 64;
    static final int AF_INET = 2, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0x800, SOL_SOCKET = 1, SO_REUSEPORT = 15,
            SO_ATTACH_REUSEPORT_EBPF = 52, MSG_DONTWAIT = 0x40, CLONE_NEWNET = 0x40000000;

    static final Linker L = Linker.nativeLinker();
    static MethodHandle fn(String name, FunctionDescriptor d) { return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), d); }
    static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(I, I, I, I));
    static final MethodHandle SETSOCKOPT = fn("setsockopt", FunctionDescriptor.of(I, I, I, I, ValueLayout.ADDRESS, I));
    static final MethodHandle BIND = fn("bind", FunctionDescriptor.of(I, I, ValueLayout.ADDRESS, I));
    static final MethodHandle SENDTO = fn("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG, I, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, I, ValueLayout.ADDRESS, I));
    static final MethodHandle RECV = fn("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG, I, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, I));
    static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(I, I));
    static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(I, ValueLayout.ADDRESS, I));
    static final MethodHandle SETNS = fn("setns", FunctionDescriptor.of(I, I, I));

    @Test
    void theKernelChoosesAsWeDo() throws Throwable {
        boolean linux = System.getProperty("os.name").equals("Linux") && KernelBpf.sysBpf() > 0;
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!linux || !root) System.out.println("skipped: needs Linux (x86-64 or arm64) and root for bpf(2) and a network namespace");
        assumeTrue(linux && root, "needs Linux and root");
        String ns = "fxbpf" + ProcessHandle.current().pid();
        if (!sh("ip", "netns", "add", ns)) {
            System.out.println("skipped: cannot make a network namespace (ip netns add)");
            assumeTrue(false, "no network namespace");
        }
        ExecutorService inside = Executors.newSingleThreadExecutor();
        try {
            sh("ip", "-n", ns, "link", "set", "lo", "up");
            sh("ip", "-n", ns, "addr", "add", "198.18.7.1/32", "dev", "lo");
            Future<Integer> joined = inside.submit(() -> { try { return join(ns); } catch (Throwable t) { throw wrap(t); } });
            assertEquals(0, joined.get(10, TimeUnit.SECONDS), "setns into " + ns);
            for (String policy : List.of("round_robin", "sita")) {
                Path o = BpfSources.object(policy);
                List<byte[]> payloads = payloads(new Random(policy.hashCode()));
                List<Integer> ours = ours(o, payloads);
                Future<List<Integer>> k = inside.submit(() -> { try { return kernel(o, payloads); } catch (Throwable t) { throw wrap(t); } });
                List<Integer> theirs;
                try {
                    theirs = k.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof KernelBpf.KernelException ke && (ke.errno == 1 || ke.errno == 13)) {
                        System.out.println("skipped: the kernel refuses bpf(2) here (errno " + ke.errno + "): " + ke.getMessage());
                        assumeTrue(false, "no CAP_BPF");
                    }
                    throw e.getCause();
                }
                System.out.println(policy + " in the kernel: " + theirs);
                assertEquals(ours, theirs, policy + ": the kernel's sockets, ours");
            }
        } finally {
            inside.shutdownNow();
            inside.awaitTermination(5, TimeUnit.SECONDS);
            sh("ip", "netns", "del", ns);
        }
    }

    static List<byte[]> payloads(Random rnd) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) out.add(Requests.request(i, rnd.nextInt(4) == 0 ? 2 : 1, i, rnd.nextInt(8), 3));
        return out;
    }

    /** Our choices: the same object deployed at our socket hook. */
    static List<Integer> ours(Path o, List<byte[]> payloads) throws Exception {
        List<Integer> out = new ArrayList<>();
        try (PacketPool pool = new PacketPool(4); Tenants t = new Tenants()) {
            PolicyHook hook = t.hook("sockets", HookKind.SOCKET);
            t.register("kv", PORT).deploy(hook, BpfPolicy.load(o));
            for (byte[] p : payloads) {
                Packet pk = Packets.parsed(pool, udp(40_000, PORT, p));
                try {
                    out.add(hook.choose(pk, SOCKS));
                } finally {
                    pk.release();
                }
            }
        }
        return out;
    }

    /** Moves this thread into the namespace: sockets it opens from now on live there. */
    static int join(String ns) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom("/var/run/netns/" + ns), 0);
            if (fd < 0) return -1;
            int r = (int) SETNS.invokeExact(fd, CLONE_NEWNET);
            int ignored = (int) CLOSE.invokeExact(fd);
            return r;
        }
    }

    /** The kernel's choices: which of the group's sockets receives each datagram. */
    static List<Integer> kernel(Path o, List<byte[]> payloads) throws Throwable {
        BpfObject obj = BpfObject.load(o);
        int socksMap = -1;
        for (int i = 0; i < obj.maps().size(); i++) if (obj.maps().get(i).type() == MapDef.REUSEPORT_SOCKARRAY) socksMap = i;
        List<Integer> out = new ArrayList<>();
        int[] fds = new int[SOCKS];
        int client = -1;
        try (KernelBpf k = KernelBpf.load(obj.program("sk_reuseport"), obj.maps(), KernelBpf.PROG_TYPE_SK_REUSEPORT, KernelBpf.ATTACH_SK_REUSEPORT_SELECT);
             Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(I);
            one.set(I, 0, 1);
            MemorySegment addr = sockaddr(a, 0xC6120701, PORT);
            for (int i = 0; i < SOCKS; i++) {
                fds[i] = (int) SOCKET.invokeExact(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
                check((int) SETSOCKOPT.invokeExact(fds[i], SOL_SOCKET, SO_REUSEPORT, one, 4), "SO_REUSEPORT");
                check((int) BIND.invokeExact(fds[i], addr, 16), "bind");
                k.update(socksMap, i, fds[i]);
            }
            MemorySegment prog = a.allocate(I);
            prog.set(I, 0, k.programFd());
            check((int) SETSOCKOPT.invokeExact(fds[0], SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, prog, 4), "SO_ATTACH_REUSEPORT_EBPF");
            client = (int) SOCKET.invokeExact(AF_INET, SOCK_DGRAM, 0);
            MemorySegment buf = a.allocate(2048);
            for (byte[] p : payloads) {
                MemorySegment.copy(p, 0, buf, ValueLayout.JAVA_BYTE, 0, p.length);
                long sent = (long) SENDTO.invokeExact(client, buf, (long) p.length, 0, addr, 16);
                if (sent != p.length) throw new IllegalStateException("sendto: " + sent);
                int got = -1;
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (got < 0 && System.nanoTime() < deadline) {
                    for (int i = 0; i < SOCKS && got < 0; i++) {
                        long n = (long) RECV.invokeExact(fds[i], buf, 2048L, MSG_DONTWAIT);
                        if (n >= 0) got = i;
                    }
                    if (got < 0) Thread.onSpinWait();
                }
                out.add(got);
            }
        } finally {
            for (int fd : fds) if (fd > 0) { int ignored = (int) CLOSE.invokeExact(fd); }
            if (client > 0) { int ignored = (int) CLOSE.invokeExact(client); }
        }
        return out;
    }

    static MemorySegment sockaddr(Arena a, int ip, int port) {
        MemorySegment s = a.allocate(16);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        s.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
        s.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
        for (int i = 0; i < 4; i++) s.set(ValueLayout.JAVA_BYTE, 4 + i, (byte) (ip >>> (24 - 8 * i)));
        return s;
    }

    static void check(int r, String what) {
        if (r < 0) throw new IllegalStateException(what + " failed");
    }

    static boolean sh(String... cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            if (p.exitValue() != 0) System.out.println(String.join(" ", cmd) + ": " + out.trim());
            return p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static Exception wrap(Throwable t) { return t instanceof Exception e ? e : new RuntimeException(t); }

    /** A datagram from the peer to the stack, ports and payload as given. */
    private static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        return Frame.udp().from(Hosts.PEER).to(Hosts.US).ports(srcPort, dstPort).payload(payload).build();
    }
}
