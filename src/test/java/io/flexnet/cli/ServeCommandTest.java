// `flexnet serve` from its command line: errors a person can act on, and a served TAP answering the kernel.
package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.Await;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.PcapReader;
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

@Timeout(60)
class ServeCommandTest {
    @TempDir
    Path dir;

    /** One run of the command in this JVM, with what it printed. */
    private static final class Run {
        final ServeCommand command = new ServeCommand();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cl = new CommandLine(command)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

        CompletableFuture<Integer> start(String... args) {
            return CompletableFuture.supplyAsync(() -> cl.execute(args));
        }

        int run(String... args) { return cl.execute(args); }
    }

    @Test
    void tapNameTheKernelWouldRefuseIsReportedWithTheReason() {
        Run r = new Run();
        int status = r.run("--tap", "a-name-far-too-long", "--ip", "198.18.0.2/24");
        assertEquals(1, status, r.err.toString());
        assertTrue(r.err.toString().startsWith("flexnet serve: cannot open TAP device a-name-far-too-long: TAP interface name"),
                r.err.toString());
        assertTrue(r.err.toString().contains("15"), "the limit should be named: " + r.err);
    }

    @Test
    void interfaceThatIsNotATapIsReportedWithTheFix() {
        NetNs.assumeAvailable();
        Run r = new Run();
        int status = r.run("--tap", "lo", "--ip", "198.18.0.2/24");
        assertEquals(1, status, r.err.toString());
        assertTrue(r.err.toString().contains("cannot open TAP device lo:")
                && r.err.toString().contains("already exists and is not a TAP device"), r.err.toString());
    }

    @Test
    void badAddressIsAUsageErrorNamingTheOption() {
        Run r = new Run();
        assertEquals(2, r.run("--tap", "fx0", "--ip", "198.18.0.0/24"));
        assertTrue(r.err.toString().contains("--ip: 198.18.0.0 is the network or broadcast address"), r.err.toString());
        r = new Run();
        assertEquals(2, r.run("--tap", "fx0", "--ip", "198.18.0.2/24", "--echo-port", "70000"));
        assertTrue(r.err.toString().contains("--echo-port must be in [1, 65535]"), r.err.toString());
        r = new Run();
        assertEquals(2, r.run("--tap", "fx0"));
        assertTrue(r.err.toString().contains("--ip"), r.err.toString());
    }

    @Test
    void badIpFormsSayWhatWasTypedAndWhatIsAllowed() {
        String[][] cases = {
            {"300.1.1.1/24", "--ip: '300.1.1.1' is not an IPv4 address (want four decimal octets like 198.18.0.2)"},
            {"x/0", "--ip: 'x' is not an IPv4 address"},
            {"198.18.0.2/0", "--ip: prefix length must be a whole number in [1, 32], got '0'"},
            {"198.18.0.2/33", "--ip: prefix length must be a whole number in [1, 32], got '33'"},
            {"198.18.0.2/x", "--ip: prefix length must be a whole number in [1, 32], got 'x'"},
            {"198.18.0.2", "--ip: '198.18.0.2' has no prefix length (want address/length like 198.18.0.2/24)"},
        };
        for (String[] c : cases) {
            String[] r = RunCommandTest.run("serve", "--tap", "fx0", "--ip", c[0]);
            assertEquals("2", r[0], c[0]);
            assertTrue(r[2].startsWith(c[1]), c[0] + " -> " + r[2]);
        }
    }

    @Test
    void defaultMacIsLocallyAdministeredAndFollowsTheAddress() {
        assertEquals("02:00:c6:12:00:02", io.flexnet.packet.MacAddress.format(io.flexnet.serve.EchoServer.defaultMac(0xC6120002)));
    }

    @Test
    void servesTheKernelUntilInterruptedThenPrintsCountersAndCapture() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("ping", "iputils-ping");
        NetNs.assumeCommand("socat", "socat");
        String tap = KernelPeer.uniqueName();
        Path pcap = dir.resolve("serve.pcap");
        Run r = new Run();
        try (NetNs ns = NetNs.create()) {
            CompletableFuture<Integer> done = r.start("--tap", tap, "--ip", KernelPeer.STACK_IP + "/24",
                    "--pcap", pcap.toString(), "--duration", "50");
            Await.until(Duration.ofSeconds(10), () -> r.out.toString().contains("serving " + tap) || done.isDone(),
                    () -> r.out + " / " + r.err);
            ns.adopt(tap);
            ns.configure(tap, KernelPeer.KERNEL_IP + "/24");
            ns.exec(Duration.ofSeconds(10), "ping", "-c", "2", "-i", "0.2", "-W", "2", KernelPeer.STACK_IP).orFail();
            Shell.Result echo = ns.spawnWithInput("through the command\n", "socat", "-t", "1", "-",
                    "UDP:" + KernelPeer.STACK_IP + ":7").await(Duration.ofSeconds(10));
            assertEquals("through the command\n", echo.stdout(), echo.describe());
            r.command.interrupt();
            assertEquals(0, done.get(10, TimeUnit.SECONDS), r.err.toString());
        }
        String out = r.out.toString();
        for (String want : new String[] {"served ", "echo-answered=2", "datagrams=1", "drops     none", "dropped at the device: none",
                "slots, 0 in use", "capture   8 frames"}) {
            assertTrue(out.contains(want), "no '" + want + "' in\n" + out);
        }
        // ARP request and reply, two pings and replies, one datagram and its echo.
        int frames = 0;
        try (PcapReader reader = PcapReader.open(pcap)) {
            while (reader.next()) frames++;
        }
        assertEquals(8, frames);
        assertTrue(Files.notExists(Path.of("/sys/class/net/" + tap)), "TAP left behind");
    }

    @Test
    void aTapDeletedUnderARunningServeEndsItWithAnErrorAndStatus1() throws Exception {
        NetNs.assumeAvailable();
        for (boolean busy : new boolean[] {false, true}) {
            String tap = KernelPeer.uniqueName();
            Run r = new Run();
            CompletableFuture<Integer> done = busy
                    ? r.start("--tap", tap, "--ip", "198.18.0.2/24", "--duration", "60", "--busy-poll", "--workers", "2")
                    : r.start("--tap", tap, "--ip", "198.18.0.2/24", "--duration", "60");
            Await.until(Duration.ofSeconds(10), () -> r.out.toString().contains("serving " + tap) || done.isDone(),
                    () -> r.out + " / " + r.err);
            Shell.run(Shell.QUICK, "ip", "link", "del", tap).orFail();
            assertEquals(1, done.get(10, TimeUnit.SECONDS), "not a deaf process: " + r.out + " / " + r.err);
            assertTrue(r.err.toString().contains("TAP " + tap + " went away under us"), r.err.toString());
            assertTrue(r.out.toString().contains("served "), "the report still prints: " + r.out);
        }
    }

    @Test
    void stopsByItselfAfterTheDuration() throws Exception {
        NetNs.assumeAvailable();
        String tap = KernelPeer.uniqueName();
        Run r = new Run();
        long start = System.nanoTime();
        int status = r.start("--tap", tap, "--ip", "198.18.0.2/24", "--duration", "0.3", "--busy-poll")
                .get(20, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, status, r.err.toString());
        assertTrue(millis >= 300 && millis < 10_000, millis + " ms");
        assertTrue(r.out.toString().contains("busy polling"), r.out.toString());
        assertTrue(r.out.toString().contains("drops     none"), r.out.toString());
    }
}
