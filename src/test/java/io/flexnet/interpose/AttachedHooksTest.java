// The hooks where no pipeline goes: ICMP inside ip_rcv, and datagrams the stack originates.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;
import org.junit.jupiter.api.Test;

class AttachedHooksTest {
    static final String NO_PING = """
            table inet f {
                chain input {
                    type filter hook input priority 0; policy accept;
                    icmp type echo-request drop
                }
            }
            """;

    @Test
    void icmpEchoRequestsMeetTheIngressRule() {
        try (FilterRig rig = new FilterRig()) {
            rig.fw.replace(rig.fw.parse(NO_PING, "noping.nft"));
            // Not attached: ICMP is answered inside ip_rcv and the rule never sees it.
            rig.receive(Frame.icmpEcho().echo(1, 1).payload(16).build());
            assertEquals(1, rig.drainSent(), "echo answered without the hook");
            assertEquals(0, rig.fw.rules().packets(0));

            rig.fw.attach(rig.stack);
            rig.receive(Frame.icmpEcho().echo(1, 2).payload(16).build());
            rig.receive(Frame.icmpEcho().echo(1, 3).payload(16).build());
            assertEquals(0, rig.drainSent(), "echo requests dropped by the rule");
            assertEquals(2, rig.fw.rules().packets(0));
            assertEquals(2 * (14 + 20 + 8 + 16), rig.fw.rules().bytes(0));
            assertEquals(2, rig.fw.drops().get(DropReason.FILTER));
            assertEquals(2, rig.fw.counters().get("input-dropped"));

            // Other ICMP types pass the rule and reach ICMP (which counts what it does not handle).
            rig.receive(Frame.icmp(13, 0).payload(12).build());  // timestamp request
            assertEquals(2, rig.fw.rules().packets(0));
            assertEquals(1, rig.fw.counters().get("input-accepted"));

            rig.fw.detach(rig.stack);
            assertNull(rig.stack.icmp().inputHook());
            rig.receive(Frame.icmpEcho().echo(1, 4).payload(16).build());
            assertEquals(1, rig.drainSent(), "answered again once detached");
        }
    }

    @Test
    void icmpTypeAndCodeSetsAndNegation() {
        try (FilterRig rig = new FilterRig()) {
            rig.fw.replace(rig.fw.parse("""
                    chain input {
                        type filter hook input priority 0; policy drop;
                        icmp type != { echo-request, 13 } accept
                        icmp code 1 accept
                    }
                    """, "t.nft"));
            rig.fw.attach(rig.stack);
            rig.receive(Frame.icmpEcho().payload(4).build());  // echo request: neither rule, policy drop
            rig.receive(Frame.icmp(3, 3).payload(28).build());  // unreachable: first rule accepts
            rig.receive(Frame.icmp(13, 1).payload(12).build());  // timestamp with code 1: second rule
            assertEquals(1, rig.fw.rules().packets(0));
            assertEquals(1, rig.fw.rules().packets(1));
            assertEquals(1, rig.fw.drops().get(DropReason.FILTER));
            assertEquals(0, rig.drainSent());
        }
    }

    @Test
    void badIcmpMatchesAreRefusedNamingTheLine() {
        try (FilterRig rig = new FilterRig()) {
            String base = "chain input {\n type filter hook input priority 0;\n";
            RuleException e = assertThrows(RuleException.class,
                    () -> rig.fw.parse(base + " icmp type echo drop\n}\n", "bad.nft"));
            assertTrue(e.getMessage().startsWith("bad.nft:3: 'echo' is not an ICMP type"), e.getMessage());
            e = assertThrows(RuleException.class, () -> rig.fw.parse(base + " tcp dport 1 icmp type 8 drop\n}\n", "bad.nft"));
            assertTrue(e.getMessage().contains("two protocols"), e.getMessage());
            e = assertThrows(RuleException.class, () -> rig.fw.parse(base + " icmp code 64 drop\n}\n", "bad.nft"));
            assertTrue(e.getMessage().contains("not in [0, 63]"), e.getMessage());
        }
    }

    static final String NO_ORIGINATED_ICMP = """
            table inet f {
                chain output {
                    type filter hook output priority 0; policy accept;
                    icmp type echo-reply counter
                    icmp type destination-unreachable drop
                    udp dport 9 drop
                }
            }
            """;

    @Test
    void originatedDatagramsMeetTheEgressRule() {
        try (FilterRig rig = new FilterRig()) {
            rig.fw.replace(rig.fw.parse(NO_ORIGINATED_ICMP, "out.nft"));
            rig.fw.attach(rig.stack);
            assertSame(rig.stack.output().hook(), rig.stack.output().hook());
            // An echo reply made by ICMP passes the output chain (counted by its first rule) and leaves.
            rig.receive(Frame.icmpEcho().echo(7, 1).payload(8).build());
            Packet reply = rig.sent.poll();
            Decoded d = Decoded.of(reply);
            reply.release();
            assertEquals(0, d.icmpType);
            assertTrue(d.l4ChecksumOk && d.ipChecksumOk);
            assertEquals(1, rig.fw.rules().packets(0));
            // A port unreachable (UDP to a closed port) is made by udp_rcv and dropped on the way out.
            rig.receive(Frame.udp().ports(40000, 4444).payload(8).build());
            assertEquals(0, rig.drainSent());
            assertEquals(1, rig.fw.rules().packets(1));
            assertEquals(1, rig.fw.counters().get("output-dropped"));
            // A socket send on the calling thread (the stack's inline send layers) meets the chain too.
            Packet p = io.flexnet.proto.SocketSend.allocate(rig.pool, new byte[10], 0, 10);
            p.dstIp = io.flexnet.fixture.Hosts.PEER.ip();
            p.srcPort = 5000;
            p.dstPort = 9;
            p.protocol = 17;
            rig.stack.send(p, LayerContext.at(rig.clock.nanoTime()));
            assertEquals(0, rig.drainSent());
            assertEquals(1, rig.fw.rules().packets(2));
            assertEquals(2, rig.fw.drops().get(DropReason.FILTER));
            rig.fw.detach(rig.stack);
            assertNull(rig.stack.output().hook());
        }
    }
}
