// KOPI's scenario 1: only pg may use 5432 and only my 3306; binds refused, forged traffic dropped and counted.
package io.flexnet.interpose;

import static io.flexnet.fixture.Frame.ACK;
import static io.flexnet.fixture.Frame.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.packet.DropReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KopiFilterTest {
    static final Owner PG = new Owner("pg", "postgres", "postgres");
    static final Owner MY = new Owner("my", "mysql", "mysqld");

    static final String KOPI = """
            # KOPI scenario 1: each database port belongs to one tenant.
            table inet kopi {
                chain input {
                    type filter hook input priority 0; policy accept;
                    udp dport 5432 meta owner != pg drop
                    udp dport 3306 meta owner != my drop
                    udp sport 5432 meta owner != pg drop   # replies from 5432 are pg's alone
                    udp sport 3306 meta owner != my drop
                }
                chain output {
                    type filter hook output priority 0; policy accept;
                    udp sport 5432 meta owner != pg drop
                    udp dport 5432 meta owner != pg drop
                    udp sport 3306 meta owner != my drop
                    udp dport 3306 meta owner != my drop
                }
            }
            """;

    @Test
    void onlyPgUses5432AndOnlyMyUses3306() {
        try (FilterRig rig = new FilterRig()) {
            rig.fw.replace(rig.fw.parse(KOPI, "kopi.nft"));
            // Binding: the right tenant may, the other is refused with the rule that refuses it.
            BindRefusedException wrong = assertThrows(BindRefusedException.class,
                    () -> rig.owners.bind(OwnerTable.PROTO_UDP, 5432, MY));
            assertEquals("udp port 5432 refused to my (user mysql, program mysqld): rule 'udp dport 5432 meta owner "
                    + "!= pg drop' (kopi.nft:5, chain input) would drop its incoming traffic", wrong.getMessage());
            assertThrows(BindRefusedException.class, () -> rig.owners.bind(OwnerTable.PROTO_UDP, 3306, PG));
            rig.owners.bind(OwnerTable.PROTO_UDP, 5432, PG);
            rig.owners.bind(OwnerTable.PROTO_UDP, 3306, MY);
            rig.owners.bind(OwnerTable.PROTO_UDP, 8000, MY);  // a port no rule names
            rig.open(5432);
            rig.open(3306);
            rig.open(8000);

            // Legitimate traffic both ways.
            rig.receive(Frame.udp().ports(40000, 5432).payload(10).build());
            rig.receive(Frame.udp().ports(40000, 3306).payload(10).build());
            rig.send(5432, 40000, 10);
            rig.send(3306, 40000, 10);
            assertEquals(2, rig.delivered.get());
            assertEquals(2, rig.drainSent());

            // my's sockets talking to or as 5432: dropped and counted, both directions.
            rig.send(8000, 5432, 10);                                                // my sends to a pg port
            rig.send(3306, 5432, 10);
            rig.receive(Frame.udp().ports(5432, 8000).payload(10).build());          // 5432 traffic to my
            rig.receive(Frame.udp().ports(5432, 3306).payload(10).build());
            assertEquals(2, rig.delivered.get());
            assertEquals(0, rig.drainSent());
            assertEquals(4, rig.fw.drops().get(DropReason.FILTER));
            RuleSet rs = rig.fw.rules();
            assertEquals(2, rs.packets(2), "input rule 'udp sport 5432 meta owner != pg drop'");
            assertEquals(2, rs.packets(5), "output rule 'udp dport 5432 meta owner != pg drop'");
            assertEquals(2 * (14 + 20 + 8 + 10), rs.bytes(2));
            assertEquals(2, rig.fw.counters().get("input-accepted"));
            assertEquals(2, rig.fw.counters().get("output-dropped"));
        }
    }

    @Test
    void rejectAnswersWithIcmpUnreachableAndDropsTheDatagram() {
        try (FilterRig rig = new FilterRig()) {
            rig.fw.replace(rig.fw.parse("""
                    chain input { type filter hook input priority 0; policy accept; }
                    """.replace("}", "\n udp dport 9 reject with icmp type admin-prohibited\n}"), "r.nft"));
            rig.open(9);
            rig.receive(Frame.udp().ports(40000, 9).payload(4).build());
            assertEquals(0, rig.delivered.get());
            assertEquals(1, rig.fw.drops().get(DropReason.FILTER));
            byte[] icmp = rig.sent.peek().toBytes();
            assertEquals(1, rig.sent.size());
            assertEquals(1, icmp[14 + 9], "ICMP");
            assertEquals(3, icmp[34], "destination unreachable");
            assertEquals(13, icmp[35], "administratively prohibited");
        }
    }

    @Test
    void connectionStateTcpFlagsAddressesAndJumps() {
        try (FilterRig rig = new FilterRig()) {
            rig.fw.replace(rig.fw.parse("""
                    table ip t {
                        chain input {
                            type filter hook input priority 0; policy drop;
                            ct state established accept
                            tcp flags & (syn|ack) == syn jump syn_in
                            ip saddr 203.0.113.0/24 udp dport { 7, 1000-2000 } accept
                        }
                        chain syn_in {
                            tcp dport 22 drop
                            ip saddr != 198.18.0.0/24 return
                            tcp dport 5432 accept
                        }
                        chain output {
                            type filter hook output priority 0; policy accept;
                        }
                    }
                    """, "t.nft"));
            rig.open(7);
            rig.open(1500);
            List<String> dropped = new ArrayList<>();
            record Case(String what, byte[] frame, boolean passes) {}
            List<Case> cases = List.of(
                    new Case("syn to 5432 from the /24", Frame.tcp().ports(40000, 5432).flags(SYN).build(), true),
                    new Case("syn to 22", Frame.tcp().ports(40000, 22).flags(SYN).build(), false),
                    new Case("syn-ack is no syn", Frame.tcp().ports(40000, 5432).flags(SYN | ACK).build(), false),
                    new Case("syn from afar returns to the policy",
                            Frame.tcp().from(Hosts.REMOTE).ports(40000, 5432).flags(SYN).build(), false),
                    new Case("udp from afar to 7", Frame.udp().from(Hosts.REMOTE).ports(40000, 7).build(), true),
                    new Case("udp from afar to 1500", Frame.udp().from(Hosts.REMOTE).ports(40000, 1500).build(), true),
                    new Case("udp from afar to 2001", Frame.udp().from(Hosts.REMOTE).ports(40000, 2001).build(), false),
                    new Case("udp from the /24 to 7", Frame.udp().ports(40001, 7).build(), false));
            for (Case c : cases) {
                long before = rig.fw.drops().get(DropReason.FILTER);
                rig.receive(c.frame());
                boolean passed = rig.fw.drops().get(DropReason.FILTER) == before;
                if (passed != c.passes()) dropped.add(c.what() + (passed ? ": passed" : ": dropped"));
            }
            assertEquals(List.of(), dropped);
            // The flow the policy dropped becomes established once we send the other way.
            rig.send(7, 40001, 4);
            assertEquals(1, rig.drainSent());
            long before = rig.fw.drops().get(DropReason.FILTER);
            long delivered = rig.delivered.get();
            rig.receive(Frame.udp().ports(40001, 7).build());
            assertEquals(before, rig.fw.drops().get(DropReason.FILTER), "established now");
            assertEquals(delivered + 1, rig.delivered.get());
        }
    }

    @Test
    void badRuleFilesAreRefusedNamingTheLine() {
        OwnerTable owners = new OwnerTable();
        record Bad(String text, String message) {}
        for (Bad b : List.of(
                new Bad("chain input {\n type filter hook input priority 0;\n tcp dport 99999 drop\n}",
                        "f.nft:3: '99999' is not a port (0-65535)"),
                new Bad("chain input {\n tcp dprt 22 drop\n}", "f.nft:2: tcp dprt: expected sport, dport or flags"),
                new Bad("chain input {\n ip saddr 10.0.0.1/8 drop\n}", "f.nft:2: '10.0.0.1/8' has host bits set beyond /8"),
                new Bad("chain a {\n jump b\n}\nchain b {\n jump a\n}", "f.nft:2: jumps loop: a -> b -> a"),
                new Bad("chain a {\n jump nowhere\n}", "f.nft:2: jump to chain nowhere, which is not defined"),
                new Bad("chain input {\n drop accept\n}", "f.nft:2: 'accept' after the verdict; the verdict ends a rule"),
                new Bad("chain input {\n reject with tcp reset\n}",
                        "f.nft:2: reject with tcp reset needs the TCP layer, which this stack does not run yet"),
                new Bad("chain input {\n ct state related accept\n}",
                        "f.nft:2: ct state related: this stack tracks new and established"),
                new Bad("chain input {\n type filter hook forward priority 0;\n}",
                        "f.nft:2: hook 'forward': this stack has hooks input (ingress) and output (egress)"),
                new Bad("chain input {\n udp dport 7 drop\n", "f.nft:3: chain input is not closed with '}'"))) {
            RuleException e = assertThrows(RuleException.class, () -> RuleParser.parse(b.text(), "f.nft", owners, "fx0", false),
                    b.text());
            assertEquals(b.message(), e.getMessage());
        }
        assertTrue(RuleParser.parse("", "empty", owners, "fx0", false).rules() == 0);
    }
}
