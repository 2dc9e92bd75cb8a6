// `flexnet serve --http --resp`: the applications on the stack's TCP, under real clients in a namespace.
package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.app.Bodies;
import io.flexnet.nic.Await;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * curl, ab, wrk, redis-benchmark and redis-cli, nobody's but their authors', against the stack's HTTP
 * and RESP servers over a TAP, each client in the namespace the test makes. Sizes and durations are
 * what {@code mvn verify} can afford on a shared machine: bodies up to 64 MiB, wrk for 3 s.
 */
@Timeout(300)
class ServeAppsCommandTest {
    static final String BASE = "http://" + KernelPeer.STACK_IP + ":8080";

    @Test
    void badApplicationPortsAreUsageErrors() {
        String[][] cases = {
            {"--http", "70000", "--http must be in [1, 65535], got 70000"},
            {"--resp", "-2", "--resp must be in [1, 65535], got -2"},
        };
        for (String[] c : cases) {
            String[] r = RunCommandTest.run("serve", "--tap", "fx0", "--ip", "198.18.0.2/24", c[0], c[1]);
            assertEquals("2", r[0], c[0]);
            assertTrue(r[2].contains(c[2]), c[0] + " -> " + r[2]);
        }
        String[] r = RunCommandTest.run("serve", "--tap", "fx0", "--ip", "198.18.0.2/24", "--http", "80", "--resp", "80");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--resp port 80 is taken by another service"), r[2]);
        r = RunCommandTest.run("serve", "--tap", "fx0", "--ip", "198.18.0.2/24", "--http", "80", "--max-connections", "0");
        assertTrue(r[2].contains("--max-connections must be >= 1"), r[2]);
        r = RunCommandTest.run("serve", "--tap", "fx0", "--ip", "198.18.0.2/24", "--http", "80", "--design", "snap");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--design must be run-to-completion, in-place or app-threads, got 'snap'"), r[2]);
        r = RunCommandTest.run("serve", "--tap", "fx0", "--ip", "198.18.0.2/24", "--http", "80", "--design", "in-place",
                "--workers", "2");
        assertTrue(r[2].contains("--workers must be 1, got 2"), r[2]);
    }

    /**
     * Every design: the applications on the stack's worker (the default), answering in place at the
     * pipeline's yield(), and on threads of their own.
     */
    @ParameterizedTest
    @ValueSource(strings = {"run-to-completion", "in-place", "app-threads"})
    void realClientsGetEveryByteAndNoErrors(String design) throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("curl", "curl");
        NetNs.assumeCommand("wrk", "wrk");
        NetNs.assumeCommand("ab", "apache2-utils");
        NetNs.assumeCommand("redis-benchmark", "redis-tools");
        String tap = KernelPeer.uniqueName();
        ServeCommand command = new ServeCommand();
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        try (NetNs ns = NetNs.create()) {
            CompletableFuture<Integer> done = CompletableFuture.supplyAsync(() -> cl.execute("--tap", tap, "--ip",
                    KernelPeer.STACK_IP + "/24", "--http", "8080", "--resp", "6379", "--duration", "280", "--design", design));
            Await.until(Duration.ofSeconds(10), () -> out.toString().contains("stopping after") || done.isDone(),
                    () -> out + " / " + err);
            assertTrue(out.toString().contains("http on port 8080, resp on port 6379"), out.toString());
            assertTrue(out.toString().contains(switch (design) {
                case "app-threads" -> "applications on threads of their own";
                case "in-place" -> "applications answering in place on the worker";
                default -> "applications run to completion on the worker";
            }), out.toString());
            ns.adopt(tap);
            ns.configure(tap, KernelPeer.KERNEL_IP + "/24");

            curlBodiesAreByteExact(ns);
            abKeepAlive(ns);
            wrkHasNoErrors(ns);
            redisBenchmarkHasNoErrors(ns, "-c", "50");
            redisBenchmarkHasNoErrors(ns, "-c", "50", "-P", "16");
            redisCliReadsBackWhatItWrote(ns);

            command.interrupt();
            assertEquals(0, done.get(60, TimeUnit.SECONDS), err.toString());
        }
        String report = out.toString();
        for (String want : new String[] {"400=1 404=1 405=1 501=0 503-refused=0", "errors=0 protocol-errors=0 refused=0",
                "slots, 0 in use"}) {
            assertTrue(report.contains(want), "no '" + want + "' in\n" + report);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("answered-in-place=(\\d+)").matcher(report);
        for (int servers = 0; servers < 2; servers++) {
            assertTrue(m.find(), "a line per server in\n" + report);
            long answered = Long.parseLong(m.group(1));
            if (design.equals("in-place")) assertTrue(answered > 1000, "answers from the request's slot: " + answered + "\n" + report);
            else assertEquals(0, answered, report);
        }
    }

    private static void curlBodiesAreByteExact(NetNs ns) throws Exception {
        for (long n : new long[] {0, 1, 1459, 1460, 1461, 65_535, 65_536, 1 << 20, 16 << 20, 64 << 20}) {
            // Status from curl's write-out, then the length and digest of what it saved.
            Shell.Result r = ns.exec(Duration.ofSeconds(120), "sh", "-c", "f=$(mktemp); code=$(curl -sS -m 100 -o $f -w '%{http_code}' "
                    + BASE + "/bytes/" + n + "); echo $code $(stat -c %s $f) $(sha256sum < $f | cut -d' ' -f1); rm -f $f");
            assertTrue(r.ok(), r.describe());
            String[] f = r.stdout().trim().split(" ");
            assertEquals("200", f[0], n + " B: " + r.describe());
            assertEquals(Long.toString(n), f[1], n + " B: " + r.describe());
            assertEquals(sha256(n), f[2], n + " B body differs from the generated one");
        }
        Shell.Result r = ns.exec(Duration.ofSeconds(30), "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", BASE + "/");
        assertEquals("405", r.stdout().trim(), r.describe());
        r = ns.exec(Duration.ofSeconds(30), "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", BASE + "/missing");
        assertEquals("404", r.stdout().trim(), r.describe());
        r = ns.exec(Duration.ofSeconds(30), "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host:", BASE + "/");
        assertEquals("400", r.stdout().trim(), "HTTP/1.1 without Host: " + r.describe());
        r = ns.exec(Duration.ofSeconds(30), "curl", "-sS", BASE + "/", BASE + "/bytes/3", BASE + "/");
        assertTrue(r.ok() && r.stdout().startsWith("Hello, world!\n") && r.stdout().endsWith("Hello, world!\n"),
                "three requests over one kept-alive connection: " + r.describe());
    }

    private static void abKeepAlive(NetNs ns) {
        Shell.Result r = ns.exec(Duration.ofSeconds(60), "ab", "-q", "-k", "-n", "20000", "-c", "16", BASE + "/bytes/1000");
        assertTrue(r.ok(), r.describe());
        assertTrue(r.stdout().contains("Complete requests:      20000"), r.describe());
        assertTrue(r.stdout().contains("Failed requests:        0"), r.describe());
        assertTrue(r.stdout().contains("Keep-Alive requests:    20000"), r.describe());
        assertFalse(r.stdout().contains("Non-2xx"), r.describe());
    }

    private static void wrkHasNoErrors(NetNs ns) {
        Shell.Result r = ns.exec(Duration.ofSeconds(60), "wrk", "-c", "64", "-t", "2", "-d", "3s", BASE + "/");
        assertTrue(r.ok(), r.describe());
        assertTrue(r.stdout().contains("Requests/sec:"), r.describe());
        assertFalse(r.stdout().contains("Socket errors"), r.describe());
        assertFalse(r.stdout().contains("Non-2xx"), r.describe());
    }

    private static void redisBenchmarkHasNoErrors(NetNs ns, String... extra) {
        String[] cmd = concat(new String[] {"redis-benchmark", "-h", KernelPeer.STACK_IP, "-p", "6379", "-q", "-n", "200000",
                "-t", "ping,set,get,incr"}, extra);
        Shell.Result r = ns.exec(Duration.ofSeconds(120), cmd);
        assertTrue(r.ok(), r.describe());
        String text = r.stdout().replace('\r', '\n');
        for (String t : new String[] {"PING_INLINE: ", "PING_MBULK: ", "SET: ", "GET: ", "INCR: "}) {
            assertTrue(Pattern.compile("(?m)^" + t + "[0-9.]+ requests per second").matcher(text).find(), t + " in " + r.describe());
        }
        assertFalse((r.stdout() + r.stderr()).toLowerCase(java.util.Locale.ROOT).contains("error"), r.describe());
        // redis-benchmark has no MGET test of its own: the command itself, 10 keys as its MSET test uses.
        String[] mget = concat(new String[] {"redis-benchmark", "-h", KernelPeer.STACK_IP, "-p", "6379", "-q", "-n", "50000"},
                extra, new String[] {"MGET", "key:1", "key:2", "key:3", "key:4", "key:5", "key:6", "key:7", "key:8", "key:9",
                        "key:10"});
        r = ns.exec(Duration.ofSeconds(120), mget);
        assertTrue(r.ok() && r.stdout().contains("requests per second"), r.describe());
        assertFalse((r.stdout() + r.stderr()).toLowerCase(java.util.Locale.ROOT).contains("error"), r.describe());
    }

    private static void redisCliReadsBackWhatItWrote(NetNs ns) {
        String cli = "redis-cli -h " + KernelPeer.STACK_IP + " -p 6379 ";
        Shell.Result r = ns.exec(Duration.ofSeconds(30), "sh", "-c", cli + "SET greeting 'hello world'; " + cli + "GET greeting; "
                + cli + "INCR visits; " + cli + "INCR visits; " + cli + "MGET greeting visits nothing; " + cli + "DEL greeting; "
                + cli + "GET greeting; " + cli + "ECHO fine");
        assertTrue(r.ok(), r.describe());
        assertEquals("OK\nhello world\n1\n2\nhello world\n2\n\n1\n\nfine\n", r.stdout(), r.describe());
    }

    static String sha256(long n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 16];
        for (long at = 0; at < n; at += chunk.length) {
            int len = (int) Math.min(chunk.length, n - at);
            Bodies.fill(chunk, 0, len, at);
            md.update(chunk, 0, len);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String[] concat(String[]... parts) {
        int n = 0;
        for (String[] p : parts) n += p.length;
        String[] all = new String[n];
        int i = 0;
        for (String[] p : parts) for (String s : p) all[i++] = s;
        return all;
    }
}
