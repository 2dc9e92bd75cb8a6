// `reject with tcp reset` judged by the kernel: its connect() to a port the rules close gets ECONNREFUSED.
package io.flexnet.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexnet.interpose.Filters;
import io.flexnet.interpose.FlowTable;
import io.flexnet.interpose.OwnerTable;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import io.flexnet.pipeline.Interposer;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.socket.TcpListenSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our TCP listens on two ports; the rules reject SYNs to one of them with a reset. The kernel, a
 * strict judge of a reset in SYN-SENT (RFC 9293 §3.10.7.3: it must acknowledge the SYN exactly, and
 * its sum must be right), reports {@code ECONNREFUSED} for that port and connects to the other.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FilterResetKernelTest {
    static final int CLOSED = 5433, OPEN = 5434;
    static final String RULES = """
            table inet f {
                chain input {
                    type filter hook input priority 0; policy accept;
                    tcp dport 5433 tcp flags syn reject with tcp reset
                }
            }
            """;
    /** Prints the errno name of connect(), or "connected". */
    static final String CONNECT = """
            import errno, socket, sys
            s = socket.socket()
            s.settimeout(10)
            try:
                s.connect((sys.argv[1], int(sys.argv[2])))
                print("connected")
            except OSError as e:
                print(errno.errorcode.get(e.errno, str(e)))
            """;

    @BeforeEach
    void needsKernelPeer() {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("python3", "python3");
    }

    @Test
    void aRejectedSynGetsAResetTheKernelTakesAsRefused() throws Exception {
        AtomicReference<Filters> fw = new AtomicReference<>();
        try (TcpServedPeer s = TcpServedPeer.open(null, stack -> {
            Filters f = new Filters("fx0", new OwnerTable(), new FlowTable(256, 120_000_000_000L), stack.icmp(),
                    Tcp.of(stack)::resetFor);
            f.replace(f.parse(RULES, "reset.nft"));
            f.attach(stack);
            fw.set(f);
            return new Interposer[] {f.ingress(), f.egress()};
        })) {
            TcpListenSocket closed = s.tcp.openListener().listen(CLOSED, 4);
            TcpListenSocket open = s.tcp.openListener().listen(OPEN, 4);
            Shell.Result refused = s.peer.exec(Duration.ofSeconds(20), "python3", "-c", CONNECT, KernelPeer.STACK_IP,
                    Integer.toString(CLOSED));
            assertEquals("ECONNREFUSED", refused.stdout().strip(), refused.describe() + "\n" + s.report());
            assertEquals(1, s.stackTcp().counters().get("rst-sent"), s.report());
            Shell.Result connected = s.peer.exec(Duration.ofSeconds(20), "python3", "-c", CONNECT, KernelPeer.STACK_IP,
                    Integer.toString(OPEN));
            assertEquals("connected", connected.stdout().strip(), connected.describe() + "\n" + s.report());

            // One SYN rejected (the kernel does not retry after a reset), counted by the rule and as a drop.
            assertEquals(1, fw.get().rules().packets(0), fw.get().rules().describe().toString());
            assertEquals(1, fw.get().counters().get("input-rejected"));
            assertEquals(1, fw.get().drops().get(io.flexnet.packet.DropReason.FILTER));
            closed.close();
            open.close();
            assertEquals(0, s.stop(), "slots in use after stop:\n" + s.report());
        }
    }
}
