// serve's rule file read again while it runs: by `ctl PATH reload` and by SIGHUP; a bad file changes nothing.
package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.Await;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(90)
class ServeReloadTest {
    @TempDir Path dir;

    static final String ACCEPT_ECHO = """
            chain input {
                type filter hook input priority 0; policy accept;
                udp dport 7 counter accept
            }
            """;
    static final String DROP_ECHO = """
            chain input {
                type filter hook input priority 0; policy accept;
                udp dport 7 drop
                icmp type echo-request drop
            }
            """;
    static final String BROKEN = """
            chain input {
                type filter hook input priority 0; policy accept;
                udp dport 7 acept
            }
            """;

    @Test
    void aQdiscWithAnErrorIsRefusedNamingTheWord() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = new CommandLine(new ServeCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("--tap", "fxbad1", "--ip", "198.18.0.2/24", "--qdisc", "drr weights 3,x");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--qdisc 'drr weights 3,x': drr: weight 'x' is not a whole number"), err.toString());
    }

    /** Sends 60 datagrams of 1400 bytes to the echo port at once (84 kB, the bucket holds 32 KiB); prints the echoes back. */
    static final String BURST = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            s.settimeout(3)
            for i in range(60):
                s.sendto(bytes(1400), (sys.argv[1], 7))
            n = 0
            try:
                while n < 60:
                    s.recv(2048)
                    n += 1
            except socket.timeout:
                pass
            print(n)
            """;

    private static String[] ctl(Path socket, String view) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new CtlCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int code = cl.execute(socket.toString(), view);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static boolean echoes(NetNs ns) {
        Shell.Result r = ns.spawnWithInput("again\n", "socat", "-t", "1", "-", "UDP:" + KernelPeer.STACK_IP + ":7")
                .await(Duration.ofSeconds(10));
        return r.stdout().equals("again\n");
    }

    @Test
    void ctlReloadAndHangupPutANewFileInForceAndABadOneChangesNothing() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("socat", "socat");
        NetNs.assumeCommand("python3", "python3");
        Path rules = dir.resolve("rules.nft");
        Files.writeString(rules, ACCEPT_ECHO);
        Path socket = dir.resolve("fx.ctl");
        String tap = KernelPeer.uniqueName();
        ServeCommand command = new ServeCommand();
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        try (NetNs ns = NetNs.create()) {
            CompletableFuture<Integer> done = CompletableFuture.supplyAsync(() -> cl.execute("--tap", tap, "--ip",
                    KernelPeer.STACK_IP + "/24", "--duration", "60", "--filter", rules.toString(),
                    "--qdisc", "tbf rate 10mbit burst 32kb latency 50ms", "--control", socket.toString()));
            Await.until(Duration.ofSeconds(10), () -> out.toString().contains("serving " + tap) || done.isDone(),
                    () -> out + " / " + err);
            ns.adopt(tap);
            ns.configure(tap, KernelPeer.KERNEL_IP + "/24");
            assertTrue(echoes(ns), "echo served under the first rules");
            // A burst past the bucket: tbf holds the tail, and the releasing worker sends it on time
            // although nothing else is sent after it.
            Shell.Result burst = ns.exec(Duration.ofSeconds(20), "python3", "-c", BURST, KernelPeer.STACK_IP);
            assertEquals("60", burst.stdout().strip(), burst.describe());
            String[] qdiscs = ctl(socket, "qdiscs");
            assertTrue(qdiscs[1].matches("(?s).*\n0 +tbf +rate 10Mbit burst 32768b limit 95268b +[1-9].*"), qdiscs[1]);

            // A new file, put in force by ctl: the echo port is closed, and so is ping.
            Files.writeString(rules, DROP_ECHO);
            String[] reload = ctl(socket, "reload");
            assertEquals("0", reload[0], reload[2]);
            assertEquals("reloaded " + rules + ": 2 rules in force (were 1)\n", reload[1]);
            assertTrue(!echoes(ns), "echo dropped after the reload");
            Shell.Result ping = ns.exec(Duration.ofSeconds(5), "ping", "-c", "1", "-W", "1", KernelPeer.STACK_IP);
            assertTrue(!ping.ok(), "ping dropped by 'icmp type echo-request drop': " + ping.describe());
            String[] filters = ctl(socket, "filters");
            assertTrue(filters[1].matches("(?s).*udp dport 7 drop +1 +\\d+\n.*"), filters[1]);
            assertTrue(filters[1].matches("(?s).*icmp type echo-request drop +1 +\\d+\n.*"), filters[1]);

            // A file with an error: refused naming its line, the rules in force stay.
            Files.writeString(rules, BROKEN);
            String[] bad = ctl(socket, "reload");
            assertEquals("2", bad[0]);
            assertTrue(bad[2].contains("reload: " + rules + ":3: unknown statement 'acept'"), bad[2]);
            assertTrue(bad[2].contains("the old rules stay in force"), bad[2]);
            assertTrue(!echoes(ns), "still dropped: the broken file changed nothing");

            // SIGHUP reads the file again, as daemons do.
            Files.writeString(rules, ACCEPT_ECHO);
            Shell.run(Duration.ofSeconds(5), "kill", "-HUP", Long.toString(ProcessHandle.current().pid())).orFail();
            Await.until(Duration.ofSeconds(10), () -> err.toString().contains("SIGHUP: reloaded " + rules), err::toString);
            assertTrue(echoes(ns), "echo served again after SIGHUP");

            command.interrupt();
            assertEquals(0, done.get(20, TimeUnit.SECONDS), err.toString());
        }
    }
}
