// One filter rule, compiled: what it matches as plain fields, and what it does.
package io.flexnet.interpose;

/**
 * A rule as the per-packet code reads it: each kind of match is a few ints and a negation flag, and
 * {@link #has} says which kinds the rule uses, so a rule costs one test per kind it names. Filled by
 * {@link RuleParser}; immutable once its {@link RuleSet} is published.
 */
final class Rule {
    // Match kinds present, bits of `has`.
    static final int PROTO = 1, SRC = 2, DST = 4, SPORT = 8, DPORT = 16, FLAGS = 32, IFACE = 64, CT = 128,
            TENANT = 256, USER = 512, PROGRAM = 1024, ICMP_TYPE = 2048, ICMP_CODE = 4096;
    /** Kinds that depend only on the local socket: a bind can be judged by them alone. */
    static final int BIND_KINDS = PROTO | TENANT | USER | PROGRAM;

    // Verdicts. CONTINUE goes on to the next rule (a rule with only counter or log).
    static final int CONTINUE = -1, ACCEPT = 0, DROP = 1, REJECT = 2, JUMP = 3, RETURN = 4;

    final String source;
    final int line;
    final String text;
    final String chain;
    int id;

    int has;
    int proto;
    boolean protoNeg;
    int src, srcMask, dst, dstMask;
    boolean srcNeg, dstNeg;
    int[] sportLo, sportHi, dportLo, dportHi;
    boolean sportNeg, dportNeg;
    /** FLAGS: {@code flagsEq} false means any of {@code flagsMask} set; true means (flags & mask) == value. */
    int flagsMask, flagsValue;
    boolean flagsEq, flagsNeg;
    /** ICMP_TYPE, ICMP_CODE: bit N set for value N (0..63); the packet's type and code come in {@code flags}. */
    long icmpTypes, icmpCodes;
    boolean icmpTypeNeg, icmpCodeNeg;
    String iface;
    boolean ifaceIsInput, ifaceNeg;
    /** IFACE resolved against the one interface the filter serves, when its rule set is made. */
    boolean ifaceMatches;
    int ctMask;
    boolean ctNeg;
    int tenant, user, program;
    boolean tenantNeg, userNeg, programNeg;

    boolean log;
    String logPrefix = "";
    int verdict = CONTINUE;
    String jumpName;
    int jumpTarget = -1;
    /** REJECT: the ICMP destination-unreachable code, or -1 for a TCP reset. */
    int rejectCode = 3;

    Rule(String source, int line, String text, String chain) {
        this.source = source;
        this.line = line;
        this.text = text;
        this.chain = chain;
    }

    /** Whether the packet described by the arguments matches every match of this rule. */
    boolean matches(int srcIp, int dstIp, int protocol, int sport, int dport, int flags, int ct,
                    long owner) {
        final int has = this.has;
        if (has == 0) return true;
        if ((has & PROTO) != 0 && (protocol == proto) == protoNeg) return false;
        if ((has & SRC) != 0 && ((srcIp & srcMask) == src) == srcNeg) return false;
        if ((has & DST) != 0 && ((dstIp & dstMask) == dst) == dstNeg) return false;
        if ((has & SPORT) != 0 && (sport < 0 || in(sport, sportLo, sportHi) == sportNeg)) return false;
        if ((has & DPORT) != 0 && (dport < 0 || in(dport, dportLo, dportHi) == dportNeg)) return false;
        if ((has & FLAGS) != 0) {
            if (flags < 0) return false;
            boolean hit = flagsEq ? (flags & flagsMask) == flagsValue : (flags & flagsMask) != 0;
            if (hit == flagsNeg) return false;
        }
        if ((has & (ICMP_TYPE | ICMP_CODE)) != 0 && !icmpMatches(flags)) return false;
        if ((has & IFACE) != 0 && !ifaceMatches) return false;
        if ((has & CT) != 0 && ((ct & ctMask) != 0) == ctNeg) return false;
        if ((has & TENANT) != 0 && (OwnerTable.tenant(owner) == tenant) == tenantNeg) return false;
        if ((has & USER) != 0 && (OwnerTable.user(owner) == user) == userNeg) return false;
        if ((has & PROGRAM) != 0 && (OwnerTable.program(owner) == program) == programNeg) return false;
        return true;
    }

    /** {@code typeCode}: the ICMP header's first two bytes (PROTO icmp is checked before this runs). */
    private boolean icmpMatches(int typeCode) {
        if (typeCode < 0) return false;
        int type = typeCode >>> 8, code = typeCode & 0xFF;
        if ((has & ICMP_TYPE) != 0 && (type < 64 && (icmpTypes >>> type & 1) != 0) == icmpTypeNeg) return false;
        return (has & ICMP_CODE) == 0 || (code < 64 && (icmpCodes >>> code & 1) != 0) != icmpCodeNeg;
    }

    private static boolean in(int v, int[] lo, int[] hi) {
        for (int i = 0; i < lo.length; i++) if (v >= lo[i] && v <= hi[i]) return true;
        return false;
    }

    boolean portMatches(boolean source, int port) {
        if (source) return in(port, sportLo, sportHi) != sportNeg;
        return in(port, dportLo, dportHi) != dportNeg;
    }

    @Override
    public String toString() { return text; }
}
