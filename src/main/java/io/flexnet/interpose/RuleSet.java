// A parsed rule file: chains of rules, the two base chains, their policies, per-rule counters.
package io.flexnet.interpose;

import io.flexnet.packet.Counters;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable once made, so a {@link Filters} swaps one for another with a single reference store and
 * every packet is judged wholly by the old set or wholly by the new. Counters belong to the set: a
 * replaced set keeps its figures for whoever still holds it.
 */
public final class RuleSet {
    public static final int INPUT = 0, OUTPUT = 1;

    final String source;
    final String[] chainNames;
    final Rule[][] chains;
    /** Base chain of each hook (INPUT, OUTPUT), or -1 when the hook has none (everything accepted). */
    final int[] base;
    final int[] policy;
    final boolean usesConntrack;
    final Counters counters;
    final Rule[] all;

    RuleSet(String source, String[] chainNames, Rule[][] chains, int[] base, int[] policy) {
        this.source = source;
        this.chainNames = chainNames;
        this.chains = chains;
        this.base = base;
        this.policy = policy;
        List<Rule> rules = new ArrayList<>();
        boolean ct = false;
        for (Rule[] c : chains) {
            for (Rule r : c) {
                r.id = rules.size();
                rules.add(r);
                ct |= (r.has & Rule.CT) != 0;
            }
        }
        this.all = rules.toArray(Rule[]::new);
        this.usesConntrack = ct;
        String[] labels = new String[2 * all.length];
        for (int i = 0; i < all.length; i++) {
            labels[2 * i] = "rule" + i + "-packets";
            labels[2 * i + 1] = "rule" + i + "-bytes";
        }
        this.counters = new Counters("filter", labels);
    }

    /** An empty set: both hooks accept everything. */
    public static RuleSet empty() {
        return new RuleSet("(none)", new String[0], new Rule[0][], new int[] {-1, -1}, new int[] {Rule.ACCEPT, Rule.ACCEPT});
    }

    /** Whether {@code hook} has a base chain at all; without one the filter is not consulted. */
    public boolean hooks(int hook) { return base[hook] >= 0; }

    public int rules() { return all.length; }

    public String source() { return source; }

    /** Packets and bytes rule {@code i} (in file order) matched. */
    public long packets(int i) { return counters.get(2 * i); }

    public long bytes(int i) { return counters.get(2 * i + 1); }

    /** Every rule with its chain and counters, as {@code nft list ruleset} shows them with counters. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < chains.length; c++) {
            String hook = c == base[INPUT] ? " (hook input, policy " + verdictName(policy[INPUT]) + ")"
                    : c == base[OUTPUT] ? " (hook output, policy " + verdictName(policy[OUTPUT]) + ")" : "";
            out.add("chain " + chainNames[c] + hook);
            for (Rule r : chains[c]) {
                out.add(String.format("  %-50s packets %d bytes %d", r.text, packets(r.id), bytes(r.id)));
            }
        }
        return out;
    }

    /** One row per rule: chain (with its hook), rule text, packets, bytes; for the control view. */
    public List<String[]> rows() {
        List<String[]> out = new ArrayList<>();
        for (int c = 0; c < chains.length; c++) {
            String chain = chainNames[c] + (c == base[INPUT] ? " (input)" : c == base[OUTPUT] ? " (output)" : "");
            for (Rule r : chains[c]) {
                out.add(new String[] {chain, r.text, Long.toString(packets(r.id)), Long.toString(bytes(r.id))});
            }
            if (c == base[INPUT] || c == base[OUTPUT]) {
                out.add(new String[] {chain, "policy " + verdictName(policy[c == base[INPUT] ? INPUT : OUTPUT]), "-", "-"});
            }
        }
        return out;
    }

    static String verdictName(int v) {
        return switch (v) {
            case Rule.ACCEPT -> "accept";
            case Rule.DROP -> "drop";
            case Rule.REJECT -> "reject";
            default -> "continue";
        };
    }

    /** The deciding rule's id in a packed verdict when the chain's policy decided. */
    static final int POLICY = 0xFFFF;
    /** Most rules a set may hold: ids must fit below {@link #POLICY}. */
    static final int MAX_RULES = 10_000;

    /**
     * The verdict of {@code hook} for a packet, packed: {@link Rule#ACCEPT}, {@link Rule#DROP} or
     * {@link Rule#REJECT} in the low byte, the deciding rule's id above it ({@link #POLICY} for the policy).
     */
    int judge(int hook, int srcIp, int dstIp, int protocol, int sport, int dport, int flags, int ct, long owner,
              int len, int stripe, long now, Filters log) {
        int v = chain(base[hook], srcIp, dstIp, protocol, sport, dport, flags, ct, owner, len, stripe, now, log);
        return v >= 0 ? v : policy[hook] | POLICY << 8;
    }

    /** Returns a packed verdict: the verdict in the low byte, the rule id above it; -1 to go on. */
    private int chain(int c, int srcIp, int dstIp, int protocol, int sport, int dport, int flags, int ct, long owner,
                      int len, int stripe, long now, Filters log) {
        final Rule[] rules = chains[c];
        for (Rule r : rules) {
            if (!r.matches(srcIp, dstIp, protocol, sport, dport, flags, ct, owner)) continue;
            counters.inc(stripe, 2 * r.id);
            counters.add(stripe, 2 * r.id + 1, len);
            if (r.log && log != null) log.logSlow(r, srcIp, dstIp, protocol, sport, dport, now);
            switch (r.verdict) {
                case Rule.CONTINUE -> { }
                case Rule.RETURN -> { return -1; }
                case Rule.JUMP -> {
                    int v = chain(r.jumpTarget, srcIp, dstIp, protocol, sport, dport, flags, ct, owner, len, stripe, now, log);
                    if (v >= 0) return v;
                }
                default -> { return r.verdict | r.id << 8; }
            }
        }
        return -1;
    }

    /**
     * Why {@code owner} may not bind {@code port}: the first rule, reached from {@code hook}'s base
     * chain, that drops or rejects every packet of that owner on that local port whatever the other
     * side — it matches only on protocol, the local port and the owner. Null when no rule does.
     */
    String bindRefusal(int hook, int protocol, int port, long owner) {
        return base[hook] < 0 ? null : bindRefusal(base[hook], hook, protocol, port, owner);
    }

    private String bindRefusal(int c, int hook, int protocol, int port, long owner) {
        boolean local = hook == INPUT;  // input: the local port is the destination; output: the source
        for (Rule r : chains[c]) {
            int localPort = local ? Rule.DPORT : Rule.SPORT;
            if ((r.has & ~(Rule.BIND_KINDS | localPort)) != 0) continue;
            if ((r.has & Rule.PROTO) != 0 && (protocol == r.proto) == r.protoNeg) continue;
            if ((r.has & localPort) != 0 && !r.portMatches(!local, port)) continue;
            if (!ownerOnly(r, owner)) continue;
            if (r.verdict == Rule.DROP || r.verdict == Rule.REJECT) {
                return "rule '" + r.text + "' (" + r.source + ":" + r.line + ", chain " + r.chain + ") would drop its "
                        + (local ? "incoming" : "outgoing") + " traffic";
            }
            if (r.verdict == Rule.ACCEPT) return null;
            if (r.verdict == Rule.JUMP) {
                String why = bindRefusal(r.jumpTarget, hook, protocol, port, owner);
                if (why != null) return why;
            }
            if (r.verdict == Rule.RETURN) return null;
        }
        return null;
    }

    private static boolean ownerOnly(Rule r, long owner) {
        if ((r.has & Rule.TENANT) != 0 && (OwnerTable.tenant(owner) == r.tenant) == r.tenantNeg) return false;
        if ((r.has & Rule.USER) != 0 && (OwnerTable.user(owner) == r.user) == r.userNeg) return false;
        if ((r.has & Rule.PROGRAM) != 0 && (OwnerTable.program(owner) == r.program) == r.programNeg) return false;
        return true;
    }
}
