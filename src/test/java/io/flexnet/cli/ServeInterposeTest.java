// serve with --filter, --qdisc and --control against the kernel; ctl reads its views; only the owner connects.
package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.Await;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(90)
class ServeInterposeTest {
    @TempDir Path dir;

    static final String RULES = """
            table inet serve {
                chain input {
                    type filter hook input priority 0; policy accept;
                    udp dport 7 meta owner echo ct state new counter accept
                    udp dport 9 reject with icmp type admin-prohibited
                }
                chain output {
                    type filter hook output priority 0; policy accept;
                    udp sport 7 meta owner != echo drop
                }
            }
            """;

    private static String[] ctl(Path socket, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new CtlCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = socket.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cl.execute(all);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void filtersQueuesAndAControlSocketOnlyItsOwnerReaches() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("socat", "socat");
        Path rules = dir.resolve("rules.nft");
        Files.writeString(rules, RULES);
        Path socket = dir.resolve("fx.ctl");
        String tap = KernelPeer.uniqueName();
        ServeCommand command = new ServeCommand();
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        try (NetNs ns = NetNs.create()) {
            CompletableFuture<Integer> done = CompletableFuture.supplyAsync(() -> cl.execute("--tap", tap, "--ip",
                    KernelPeer.STACK_IP + "/24", "--duration", "60", "--filter", rules.toString(), "--qdisc", "fq_codel",
                    "--control", socket.toString()));
            Await.until(Duration.ofSeconds(10), () -> out.toString().contains("serving " + tap) || done.isDone(),
                    () -> out + " / " + err);
            ns.adopt(tap);
            ns.configure(tap, KernelPeer.KERNEL_IP + "/24");
            Shell.Result echo = ns.spawnWithInput("filtered\n", "socat", "-t", "1", "-",
                    "UDP:" + KernelPeer.STACK_IP + ":7").await(Duration.ofSeconds(10));
            assertEquals("filtered\n", echo.stdout(), echo.describe());
            // Port 9 is rejected: the kernel gets an ICMP error, which socat reports as a refusal.
            Shell.Result rejected = ns.spawnWithInput("x\n", "socat", "-t", "1", "-",
                    "UDP:" + KernelPeer.STACK_IP + ":9").await(Duration.ofSeconds(10));
            assertFalse(rejected.stdout().contains("x"), rejected.describe());

            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            String[] sockets = ctl(socket, "sockets");
            assertEquals("0", sockets[0], sockets[2]);
            assertTrue(sockets[1].matches("(?s)Proto +Local +Endpoint +Owner +User +Program\nudp +198\\.18\\.0\\.2:7 .* echo +\\S+ +flexnet\n"),
                    sockets[1]);
            String[] filters = ctl(socket, "filters");
            assertTrue(filters[1].matches("(?s).*udp dport 9 reject with icmp type admin-prohibited +1 +44\n.*"), filters[1]);
            assertTrue(filters[1].matches("(?s).*udp dport 7 meta owner echo ct state new counter accept +1 +51\n.*"), filters[1]);
            String[] qdiscs = ctl(socket, "qdiscs", "--json");
            assertEquals("0", qdiscs[0], qdiscs[2]);
            assertTrue(qdiscs[1].startsWith("[\n  {\"Queue\": 0, \"Qdisc\": \"fq_codel\", "), qdiscs[1]);
            assertTrue(qdiscs[1].matches("(?s).*\"SentPackets\": [1-9][0-9]*.*"), qdiscs[1]);
            String[] drops = ctl(socket, "drops");
            assertTrue(drops[1].contains("filter  filter  1"), drops[1]);
            for (String view : new String[] {"queues", "counters", "tenants"}) assertEquals("0", ctl(socket, view)[0], view);
            String[] bad = ctl(socket, "nonsense");
            assertEquals("2", bad[0]);
            assertTrue(bad[2].contains("no view 'nonsense'; views: counters, drops, filters, qdiscs, queues, sockets, tenants"), bad[2]);
            // Another user cannot connect: the socket is its owner's alone.
            if (Shell.has("setpriv")) {
                Shell.Result other = Shell.run(Duration.ofSeconds(10), "setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups", "socat", "-", "UNIX-CONNECT:" + socket);
                assertFalse(other.ok(), other.describe());
                assertTrue(other.stderr().contains("Permission denied"), other.describe());
            }
            command.interrupt();
            assertEquals(0, done.get(20, TimeUnit.SECONDS), err.toString());
        }
        assertFalse(Files.exists(socket), "the control socket is removed on exit");
        assertTrue(out.toString().contains("qdisc fq_codel 1: dev " + tap + " root"), out.toString());
        String[] gone = ctl(socket, "sockets");
        assertEquals("2", gone[0]);
        assertTrue(gone[2].contains("is serve running with --control"), gone[2]);
    }

    @Test
    void aRuleFileWithAnErrorIsRefusedNamingItsLine() throws Exception {
        Path rules = dir.resolve("bad.nft");
        Files.writeString(rules, "chain input {\n  udp dport 7 acept\n}\n");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = new CommandLine(new ServeCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("--tap", "fxbad0", "--ip", "198.18.0.2/24", "--filter", rules.toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("--filter " + rules + ":2: unknown statement 'acept'"), err.toString());
    }
}
