// A subset of nftables' rule language: tables, chains with hooks and policies, rules on one line each.
package io.flexnet.interpose;

import io.flexnet.packet.Ip4;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads rule files an nftables user recognises:
 *
 * <pre>
 * table inet flexnet {
 *     chain input {
 *         type filter hook input priority 0; policy accept;
 *         tcp dport 5432 meta owner != pg drop
 *         udp dport { 53, 5000-5999 } ip saddr != 198.18.0.0/15 reject
 *         ct state established accept
 *         tcp flags syn ct state new jump syn_checks
 *     }
 *     chain syn_checks {
 *         tcp dport 22 log prefix "ssh " counter accept
 *     }
 * }
 * </pre>
 *
 * Matches: {@code ip saddr|daddr [!=] ADDR[/LEN]}, {@code ip protocol|meta l4proto [!=] tcp|udp|icmp|N},
 * {@code tcp|udp sport|dport [!=] PORT|LO-HI|{ ... }}, {@code icmp type|code [!=] NAME|N|{ ... }}, {@code tcp flags [!=] syn,ack,...} (any of them
 * set) or {@code tcp flags & (syn|ack) [==|!=] syn}, {@code iifname|oifname [!=] NAME},
 * {@code ct state [!=] new,established}, and the owner of the local socket: {@code meta owner} (its
 * tenant), {@code meta skuid} (its user), {@code meta program} — each {@code [!=] NAME}. Statements:
 * {@code counter} (every rule counts anyway), {@code log [prefix "TEXT"]} (rate-limited). Verdicts:
 * {@code accept}, {@code drop}, {@code reject [with icmp type port-unreachable|host-unreachable|
 * admin-prohibited | with tcp reset]}, {@code jump CHAIN}, {@code return}. {@code #} starts a comment.
 * The {@code table} wrapper is optional; a base chain has {@code hook input} (ingress: after
 * {@code ip_rcv}, before L4) or {@code hook output} (egress: after {@code socket_send}, before
 * {@code ip_send}), one of each at most. Anything else is refused naming the file, line and word.
 */
public final class RuleParser {
    private static final Map<String, Integer> FLAGS = Map.of("fin", 0x01, "syn", 0x02, "rst", 0x04, "psh", 0x08,
            "ack", 0x10, "urg", 0x20, "ecn", 0x40, "cwr", 0x80);
    private static final Map<String, Integer> PROTOCOLS = Map.of("icmp", 1, "tcp", 6, "udp", 17);
    private static final Map<String, Integer> ICMP_TYPES = Map.ofEntries(Map.entry("echo-reply", 0),
            Map.entry("destination-unreachable", 3), Map.entry("source-quench", 4), Map.entry("redirect", 5),
            Map.entry("echo-request", 8), Map.entry("router-advertisement", 9), Map.entry("router-solicitation", 10),
            Map.entry("time-exceeded", 11), Map.entry("parameter-problem", 12), Map.entry("timestamp-request", 13),
            Map.entry("timestamp-reply", 14), Map.entry("info-request", 15), Map.entry("info-reply", 16),
            Map.entry("address-mask-request", 17), Map.entry("address-mask-reply", 18));
    private static final Map<String, Integer> ICMP_CODES = Map.of("net-unreachable", 0, "host-unreachable", 1,
            "prot-unreachable", 2, "port-unreachable", 3, "net-prohibited", 9, "host-prohibited", 10,
            "admin-prohibited", 13);

    private final String source;
    private final OwnerTable owners;
    private final String iface;
    private final boolean tcpReset;
    private final Map<String, List<Rule>> chains = new LinkedHashMap<>();
    private final int[] base = {-1, -1};
    private final int[] policy = {Rule.ACCEPT, Rule.ACCEPT};
    private final String[] baseNames = new String[2];

    private List<String> tokens;
    private int at;
    private int line;

    private RuleParser(String source, OwnerTable owners, String iface, boolean tcpReset) {
        this.source = source;
        this.owners = owners;
        this.iface = iface;
        this.tcpReset = tcpReset;
    }

    /**
     * Parses {@code text}.
     *
     * @param source   names the text in errors (a file name)
     * @param owners   gives owner names their ids
     * @param iface    the interface the filter serves, against which {@code iifname}/{@code oifname} resolve
     * @param tcpReset whether {@code reject with tcp reset} can be carried out (a TCP layer is present)
     * @throws RuleException naming the line and the problem
     */
    public static RuleSet parse(String text, String source, OwnerTable owners, String iface, boolean tcpReset) {
        return new RuleParser(source, owners, iface, tcpReset).file(text);
    }

    private RuleSet file(String text) {
        String[] lines = text.split("\n", -1);
        // Structure: 0 top, 1 in a table, 2 in a chain (inside a table or not).
        int depth = 0;
        boolean chainInTable = false;
        String chain = null;
        for (int i = 0; i < lines.length; i++) {
            line = i + 1;
            tokens = tokenize(lines[i]);
            at = 0;
            while (at < tokens.size()) {
                String t = next();
                if (chain == null) {
                    if (t.equals("}")) {
                        if (depth != 1) throw fail("'}' closes nothing");
                        depth = 0;
                    } else if (t.equals("table")) {
                        if (depth != 0) throw fail("a table inside a table");
                        String family = next("a family (ip or inet)");
                        if (!family.equals("ip") && !family.equals("inet")) {
                            throw fail("family '" + family + "': this stack filters IPv4, use ip or inet");
                        }
                        next("the table's name");
                        expect("{");
                        depth = 1;
                    } else if (t.equals("chain")) {
                        chain = next("the chain's name");
                        if (chains.containsKey(chain)) throw fail("chain " + chain + " defined twice");
                        chains.put(chain, new ArrayList<>());
                        expect("{");
                        chainInTable = depth == 1;
                    } else {
                        throw fail("expected 'table' or 'chain', got '" + t + "'");
                    }
                } else if (t.equals("}")) {
                    chain = null;
                    depth = chainInTable ? 1 : 0;
                } else if (t.equals("type")) {
                    chainType(chain);
                } else if (t.equals("policy")) {
                    chainPolicy(chain);
                } else if (t.equals(";")) {
                    // an empty statement
                } else {
                    at--;
                    chains.get(chain).add(rule(chain, lines[i].strip()));
                }
            }
        }
        if (chain != null) throw new RuleException(source, lines.length, "chain " + chain + " is not closed with '}'");
        if (depth != 0) throw new RuleException(source, lines.length, "table is not closed with '}'");
        return build();
    }

    private void chainType(String chain) {
        expectWord("filter");
        expectWord("hook");
        String hook = next("input or output");
        int h = switch (hook) {
            case "input" -> RuleSet.INPUT;
            case "output" -> RuleSet.OUTPUT;
            default -> throw fail("hook '" + hook + "': this stack has hooks input (ingress) and output (egress)");
        };
        if (base[h] >= 0) throw fail("a second base chain for hook " + hook + " (" + baseNames[h] + " has it)");
        if (!chains.get(chain).isEmpty()) throw fail("the chain's type must come before its rules");
        base[h] = new ArrayList<>(chains.keySet()).indexOf(chain);
        baseNames[h] = chain;
        expectWord("priority");
        String p = next("a priority");
        try {
            Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw fail("priority '" + p + "' is not a number");
        }
        expect(";");
    }

    private void chainPolicy(String chain) {
        int h = baseNames[RuleSet.INPUT] != null && baseNames[RuleSet.INPUT].equals(chain) ? RuleSet.INPUT
                : baseNames[RuleSet.OUTPUT] != null && baseNames[RuleSet.OUTPUT].equals(chain) ? RuleSet.OUTPUT : -1;
        if (h < 0) throw fail("only a base chain (one with 'type filter hook ...') has a policy");
        String v = next("accept or drop");
        policy[h] = switch (v) {
            case "accept" -> Rule.ACCEPT;
            case "drop" -> Rule.DROP;
            default -> throw fail("policy '" + v + "': accept or drop");
        };
        expect(";");
    }

    private Rule rule(String chain, String text) {
        Rule r = new Rule(source, line, text.replaceAll("\\s*#.*$", ""), chain);
        while (at < tokens.size()) {
            String t = next();
            if (r.verdict != Rule.CONTINUE) throw fail("'" + t + "' after the verdict; the verdict ends a rule");
            switch (t) {
                case ";" -> { return r; }
                case "ip" -> ip(r);
                case "meta" -> meta(r);
                case "tcp", "udp" -> transport(r, t);
                case "icmp" -> icmp(r);
                case "iifname", "oifname" -> iface(r, t.equals("iifname"));
                case "ct" -> ct(r);
                case "counter" -> { }
                case "log" -> {
                    r.log = true;
                    if (peek("prefix")) {
                        next();
                        r.logPrefix = next("the prefix");
                    }
                }
                case "accept" -> r.verdict = Rule.ACCEPT;
                case "drop" -> r.verdict = Rule.DROP;
                case "reject" -> reject(r);
                case "jump" -> {
                    r.verdict = Rule.JUMP;
                    r.jumpName = next("a chain to jump to");
                }
                case "return" -> r.verdict = Rule.RETURN;
                default -> throw fail("unknown statement '" + t + "'; expected ip, tcp, udp, icmp, meta, ct, iifname, "
                        + "oifname, counter, log, accept, drop, reject, jump or return");
            }
        }
        return r;
    }

    private void ip(Rule r) {
        String what = next("saddr, daddr or protocol");
        switch (what) {
            case "saddr", "daddr" -> {
                boolean neg = negation();
                String a = next("an address");
                int slash = a.indexOf('/');
                int len = 32;
                int addr;
                try {
                    addr = Ip4.parse(slash < 0 ? a : a.substring(0, slash));
                    if (slash >= 0) len = Integer.parseInt(a.substring(slash + 1));
                } catch (IllegalArgumentException e) {
                    throw fail("'" + a + "' is not an IPv4 address or prefix");
                }
                if (len < 0 || len > 32) throw fail("prefix length " + len + " is not in [0, 32]");
                int mask = len == 0 ? 0 : -1 << (32 - len);
                if ((addr & ~mask) != 0) throw fail("'" + a + "' has host bits set beyond /" + len);
                if (what.equals("saddr")) {
                    once(r, Rule.SRC, "ip saddr");
                    r.src = addr;
                    r.srcMask = mask;
                    r.srcNeg = neg;
                } else {
                    once(r, Rule.DST, "ip daddr");
                    r.dst = addr;
                    r.dstMask = mask;
                    r.dstNeg = neg;
                }
            }
            case "protocol" -> protocol(r);
            default -> throw fail("ip " + what + ": expected saddr, daddr or protocol");
        }
    }

    private void protocol(Rule r) {
        boolean neg = negation();
        String p = next("a protocol");
        Integer n = PROTOCOLS.get(p);
        if (n == null) {
            try {
                n = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw fail("protocol '" + p + "': tcp, udp, icmp or a number");
            }
            if (n < 0 || n > 255) throw fail("protocol " + n + " is not in [0, 255]");
        }
        setProtocol(r, n, neg);
    }

    private void setProtocol(Rule r, int proto, boolean neg) {
        if ((r.has & Rule.PROTO) != 0) {
            if (r.proto == proto && r.protoNeg == neg) return;
            throw fail("the rule names two protocols");
        }
        r.has |= Rule.PROTO;
        r.proto = proto;
        r.protoNeg = neg;
    }

    private void meta(Rule r) {
        String what = next("owner, skuid, program or l4proto");
        if (what.equals("l4proto")) {
            protocol(r);
            return;
        }
        boolean neg = negation();
        String name = next("a name");
        int id = owners.id(name);
        switch (what) {
            case "owner" -> { once(r, Rule.TENANT, "meta owner"); r.tenant = id; r.tenantNeg = neg; }
            case "skuid" -> { once(r, Rule.USER, "meta skuid"); r.user = id; r.userNeg = neg; }
            case "program" -> { once(r, Rule.PROGRAM, "meta program"); r.program = id; r.programNeg = neg; }
            default -> throw fail("meta " + what + ": expected owner, skuid, program or l4proto");
        }
    }

    private void transport(Rule r, String proto) {
        setProtocol(r, PROTOCOLS.get(proto), false);
        String what = next("sport, dport" + (proto.equals("tcp") ? " or flags" : ""));
        switch (what) {
            case "sport", "dport" -> {
                boolean neg = negation();
                List<int[]> ranges = ports();
                int[] lo = new int[ranges.size()], hi = new int[ranges.size()];
                for (int i = 0; i < lo.length; i++) {
                    lo[i] = ranges.get(i)[0];
                    hi[i] = ranges.get(i)[1];
                }
                if (what.equals("sport")) {
                    once(r, Rule.SPORT, proto + " sport");
                    r.sportLo = lo;
                    r.sportHi = hi;
                    r.sportNeg = neg;
                } else {
                    once(r, Rule.DPORT, proto + " dport");
                    r.dportLo = lo;
                    r.dportHi = hi;
                    r.dportNeg = neg;
                }
            }
            case "flags" -> {
                if (!proto.equals("tcp")) throw fail("udp has no flags");
                once(r, Rule.FLAGS, "tcp flags");
                if (peek("&")) {
                    next();
                    r.flagsMask = flagSet(true);
                    String op = next("== or !=");
                    if (!op.equals("==") && !op.equals("!=")) throw fail("expected == or != after the mask, got '" + op + "'");
                    r.flagsNeg = op.equals("!=");
                    r.flagsEq = true;
                    r.flagsValue = flagSet(true);
                    if ((r.flagsValue & ~r.flagsMask) != 0) throw fail("the value has flags outside the mask: never true");
                } else {
                    r.flagsNeg = negation();
                    r.flagsMask = flagSet(false);
                }
            }
            default -> throw fail(proto + " " + what + ": expected sport, dport" + (proto.equals("tcp") ? " or flags" : ""));
        }
    }

    /** {@code icmp type [!=] TYPE|{T, ...}} or {@code icmp code [!=] N|{N, ...}}: implies protocol icmp. */
    private void icmp(Rule r) {
        setProtocol(r, PROTOCOLS.get("icmp"), false);
        String what = next("type or code");
        boolean type = what.equals("type");
        if (!type && !what.equals("code")) throw fail("icmp " + what + ": expected type or code");
        once(r, type ? Rule.ICMP_TYPE : Rule.ICMP_CODE, "icmp " + what);
        boolean neg = negation();
        long set = 0;
        if (peek("{")) {
            next();
            while (true) {
                set |= 1L << icmpValue(type, next("an ICMP " + what));
                String t = next("',' or '}'");
                if (t.equals("}")) break;
                if (!t.equals(",")) throw fail("expected ',' or '}' in an ICMP " + what + " set, got '" + t + "'");
            }
        } else {
            set = 1L << icmpValue(type, next("an ICMP " + what));
        }
        if (type) {
            r.icmpTypes = set;
            r.icmpTypeNeg = neg;
        } else {
            r.icmpCodes = set;
            r.icmpCodeNeg = neg;
        }
    }

    private int icmpValue(boolean type, String s) {
        Integer named = type ? ICMP_TYPES.get(s) : null;
        if (named != null) return named;
        int v;
        try {
            v = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw fail(type ? "'" + s + "' is not an ICMP type (" + String.join(", ", new java.util.TreeSet<>(ICMP_TYPES.keySet()))
                    + ", or 0-63)" : "'" + s + "' is not an ICMP code (0-63)");
        }
        if (v < 0 || v > 63) throw fail("ICMP " + (type ? "type " : "code ") + v + " is not in [0, 63]");
        return v;
    }

    /** {@code syn}, {@code syn,ack}, {@code (syn|ack)}: the bits; bars and parentheses only in a mask expression. */
    private int flagSet(boolean bars) {
        int bits = 0;
        boolean paren = peek("(");
        if (paren) next();
        while (true) {
            String f = next("a TCP flag");
            Integer b = FLAGS.get(f);
            if (b == null) throw fail("'" + f + "' is not a TCP flag (fin, syn, rst, psh, ack, urg, ecn, cwr)");
            bits |= b;
            if (peek(bars ? "|" : ",")) {
                next();
                continue;
            }
            break;
        }
        if (paren) expect(")");
        return bits;
    }

    private List<int[]> ports() {
        List<int[]> out = new ArrayList<>();
        if (peek("{")) {
            next();
            while (true) {
                out.add(portRange(next("a port")));
                String t = next("',' or '}'");
                if (t.equals("}")) break;
                if (!t.equals(",")) throw fail("expected ',' or '}' in a port set, got '" + t + "'");
            }
        } else {
            out.add(portRange(next("a port")));
        }
        return out;
    }

    private int[] portRange(String s) {
        int dash = s.indexOf('-');
        int lo = port(dash < 0 ? s : s.substring(0, dash));
        int hi = dash < 0 ? lo : port(s.substring(dash + 1));
        if (hi < lo) throw fail("port range " + s + " is empty");
        return new int[] {lo, hi};
    }

    private int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 0 && p <= 0xFFFF) return p;
        } catch (NumberFormatException e) {
            // worded below
        }
        throw fail("'" + s + "' is not a port (0-65535)");
    }

    private void iface(Rule r, boolean input) {
        once(r, Rule.IFACE, input ? "iifname" : "oifname");
        r.ifaceNeg = negation();
        r.iface = next("an interface name");
        r.ifaceIsInput = input;
        r.ifaceMatches = r.iface.equals(iface) != r.ifaceNeg;
    }

    private void ct(Rule r) {
        expectWord("state");
        once(r, Rule.CT, "ct state");
        r.ctNeg = negation();
        while (true) {
            String s = next("new or established");
            r.ctMask |= switch (s) {
                case "new" -> FlowTable.NEW;
                case "established" -> FlowTable.ESTABLISHED;
                default -> throw fail("ct state " + s + ": this stack tracks new and established");
            };
            if (!peek(",")) break;
            next();
        }
    }

    private void reject(Rule r) {
        r.verdict = Rule.REJECT;
        if (!peek("with")) return;
        next();
        String kind = next("icmp or tcp");
        if (kind.equals("tcp")) {
            expectWord("reset");
            if (!tcpReset) throw fail("reject with tcp reset needs the TCP layer, which this stack does not run yet");
            r.rejectCode = -1;
            return;
        }
        if (!kind.equals("icmp")) throw fail("reject with " + kind + ": expected icmp or tcp");
        expectWord("type");
        String type = next("an ICMP unreachable type");
        Integer code = ICMP_CODES.get(type);
        if (code == null) throw fail("icmp type " + type + ": one of " + String.join(", ", ICMP_CODES.keySet()));
        r.rejectCode = code;
    }

    private RuleSet build() {
        List<String> names = new ArrayList<>(chains.keySet());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) index.put(names.get(i), i);
        Rule[][] out = new Rule[names.size()][];
        int count = 0;
        for (int i = 0; i < names.size(); i++) {
            List<Rule> rules = chains.get(names.get(i));
            for (Rule r : rules) {
                if (r.verdict == Rule.JUMP) {
                    Integer t = index.get(r.jumpName);
                    if (t == null) throw new RuleException(source, r.line, "jump to chain " + r.jumpName + ", which is not defined");
                    if (t == base[RuleSet.INPUT] || t == base[RuleSet.OUTPUT]) {
                        throw new RuleException(source, r.line, "jump to base chain " + r.jumpName);
                    }
                    r.jumpTarget = t;
                }
                if ((r.has & Rule.IFACE) != 0
                        && (i == base[RuleSet.INPUT] && !r.ifaceIsInput || i == base[RuleSet.OUTPUT] && r.ifaceIsInput)) {
                    throw new RuleException(source, r.line, (r.ifaceIsInput ? "iifname" : "oifname")
                            + " in the base chain of hook " + (i == base[RuleSet.INPUT] ? "input" : "output"));
                }
            }
            out[i] = rules.toArray(Rule[]::new);
            count += out[i].length;
        }
        if (count > RuleSet.MAX_RULES) throw new RuleException(source, line, count + " rules, more than " + RuleSet.MAX_RULES);
        checkNoLoop(out, names);
        return new RuleSet(source, names.toArray(String[]::new), out, base.clone(), policy.clone());
    }

    private void checkNoLoop(Rule[][] chains, List<String> names) {
        int[] state = new int[chains.length];
        for (int c = 0; c < chains.length; c++) visit(c, chains, names, state, new ArrayList<>());
    }

    private void visit(int c, Rule[][] chains, List<String> names, int[] state, List<String> path) {
        if (state[c] == 2) return;
        path.add(names.get(c));
        if (state[c] == 1) throw new RuleException(source, chains[c].length == 0 ? 0 : chains[c][0].line,
                "jumps loop: " + String.join(" -> ", path));
        state[c] = 1;
        for (Rule r : chains[c]) if (r.verdict == Rule.JUMP) visit(r.jumpTarget, chains, names, state, path);
        state[c] = 2;
        path.remove(path.size() - 1);
    }

    private void once(Rule r, int kind, String what) {
        if ((r.has & kind) != 0) throw fail(what + " appears twice in one rule");
        r.has |= kind;
    }

    private boolean negation() {
        if (peek("!=")) {
            next();
            return true;
        }
        if (peek("==")) next();
        return false;
    }

    private boolean peek(String t) { return at < tokens.size() && tokens.get(at).equals(t); }

    private String next() { return tokens.get(at++); }

    private String next(String what) {
        if (at >= tokens.size()) throw fail("expected " + what + " at the end of the line");
        return tokens.get(at++);
    }

    private void expect(String t) {
        String got = next("'" + t + "'");
        if (!got.equals(t)) throw fail("expected '" + t + "', got '" + got + "'");
    }

    private void expectWord(String t) { expect(t); }

    private RuleException fail(String problem) { return new RuleException(source, line, problem); }

    /** Words, quoted strings (quotes removed), and the punctuation { } ( ) ; , | & != == as tokens; # ends the line. */
    static List<String> tokenize(String line) {
        List<String> out = new ArrayList<>();
        int i = 0, n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                break;
            } else if (c == '"') {
                int end = line.indexOf('"', i + 1);
                if (end < 0) end = n;
                out.add(line.substring(i + 1, end));
                i = end + 1;
            } else if (c == '!' || c == '=') {
                if (i + 1 < n && line.charAt(i + 1) == '=') {
                    out.add(line.substring(i, i + 2));
                    i += 2;
                } else {
                    out.add(String.valueOf(c));
                    i++;
                }
            } else if ("{}();,|&".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(line.charAt(i)) && "{}();,|&!=\"#".indexOf(line.charAt(i)) < 0) i++;
                out.add(line.substring(start, i));
            }
        }
        return out;
    }
}
