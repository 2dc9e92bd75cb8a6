// `flexnet serve --tcp-echo --discard`: the classic TCP services to the kernel's own tools, many at once.
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(120)
class ServeTcpCommandTest {
    @TempDir
    Path dir;

    @Test
    void badTcpPortsAreUsageErrorsNamingTheOption() {
        String[][] cases = {
            {"--tcp-echo", "70000", "--tcp-echo must be in [1, 65535], got 70000"},
            {"--discard", "-1", "--discard must be in [1, 65535], got -1"},
        };
        for (String[] c : cases) {
            String[] r = RunCommandTest.run("serve", "--tap", "fx0", "--ip", "198.18.0.2/24", c[0], c[1]);
            assertEquals("2", r[0], c[0]);
            assertTrue(r[2].contains(c[2]), c[0] + " -> " + r[2]);
        }
        String[] r = RunCommandTest.run("serve", "--tap", "fx0", "--ip", "198.18.0.2/24", "--tcp-echo", "9", "--discard", "9");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--tcp-echo and --discard must differ"), r[2]);
    }

    @Test
    void servesTcpEchoAndDiscardToManyKernelClientsAtOnceThenCountsByState() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("socat", "socat");
        String tap = KernelPeer.uniqueName();
        ServeCommand command = new ServeCommand();
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int clients = 8;
        List<byte[]> sent = new ArrayList<>();
        try (NetNs ns = NetNs.create()) {
            CompletableFuture<Integer> done = CompletableFuture.supplyAsync(() -> cl.execute("--tap", tap, "--ip",
                    KernelPeer.STACK_IP + "/24", "--tcp-echo", "7", "--discard", "9", "--duration", "100"));
            Await.until(Duration.ofSeconds(10), () -> out.toString().contains("stopping after") || done.isDone(),
                    () -> out + " / " + err);
            assertTrue(out.toString().contains("tcp echo on port 7, tcp discard on port 9"), out.toString());
            ns.adopt(tap);
            ns.configure(tap, KernelPeer.KERNEL_IP + "/24");
            List<Shell.Spawned> echoes = new ArrayList<>(), discards = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] data = new byte[200_000 + i];
                new java.util.Random(i).nextBytes(data);
                Path f = dir.resolve("in" + i);
                Files.write(f, data);
                sent.add(data);
                // Echo: socat sends the file, half-closes, and prints what comes back until the server's FIN.
                echoes.add(ns.spawn("sh", "-c", "socat -t 30 - TCP:" + KernelPeer.STACK_IP + ":7 < " + f + " > "
                        + dir.resolve("out" + i)));
                discards.add(ns.spawn("socat", "-u", "OPEN:" + f, "TCP:" + KernelPeer.STACK_IP + ":9"));
            }
            for (int i = 0; i < clients; i++) {
                Shell.Result e = echoes.get(i).await(Duration.ofSeconds(60));
                assertTrue(e.ok(), e.describe());
                byte[] back = Files.readAllBytes(dir.resolve("out" + i));
                assertEquals(-1, java.util.Arrays.mismatch(sent.get(i), back), "echo client " + i + " sent "
                        + sent.get(i).length + " bytes, got " + back.length + " back: " + e.describe() + "\n" + out);
                Shell.Result d = discards.get(i).await(Duration.ofSeconds(60));
                assertTrue(d.ok(), d.describe());
            }
            // A discard client exits once its bytes and FIN are sent, before the service has read them
            // all: the service's close is the sign. Until it, the kernel's end waits in FIN-WAIT.
            Await.until(Duration.ofSeconds(30), () -> ns.exec(Duration.ofSeconds(5), "ss", "-Htn", "state", "fin-wait-1",
                    "state", "fin-wait-2", "( dport = :9 )").stdout().isBlank(), () -> out.toString());
            command.interrupt();
            assertEquals(0, done.get(30, TimeUnit.SECONDS), err.toString());
        }
        String report = out.toString();
        long bytes = 0;
        for (byte[] b : sent) bytes += b.length;
        for (String want : new String[] {"accepted=" + 2 * clients, "echoed-bytes=" + bytes, "discarded-bytes=" + bytes,
                "closed=" + 2 * clients, "reset=0", "open: none", "tcp conns", "slots, 0 in use"}) {
            assertTrue(report.contains(want), "no '" + want + "' in\n" + report);
        }
    }
}
