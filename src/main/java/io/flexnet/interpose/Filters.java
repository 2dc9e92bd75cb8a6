// The stack's packet filter: the rule set in force, its two hooks, the owner and flow tables it reads.
package io.flexnet.interpose;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Packet;
import io.flexnet.pipeline.Interposer;
import io.flexnet.proto.Icmp;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.PacketHook;
import io.flexnet.proto.ProtoStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A firewall for one interface, as nftables is for a host. {@link #ingress()} goes between
 * {@code ip_rcv} and L4 ({@code hook input}), {@link #egress()} between the send path's L4 and
 * {@code ip_send} ({@code hook output}):
 *
 * <pre>{@code
 * Filters fw = new Filters("fx0", owners, new FlowTable(4096, 120_000_000_000L), stack.icmp(), null);
 * fw.load(Path.of("rules.nft"));
 * Pipeline rx = engine.rxTx("echo").eth().ip().interpose(fw.ingress()).l4().yieldTo(echo)
 *         .l4().interpose(fw.egress()).ip().eth().build();
 * }</pre>
 *
 * <p>The rule set in force is one volatile reference. {@link #replace} publishes a new set with one
 * store and each packet reads the reference once, so under traffic every packet is judged wholly by
 * the old set or wholly by the new, and none waits or is lost. A hook whose set has no base chain for
 * it returns at once; a pipeline without the hooks has no code for them at all.
 *
 * <p>Every drop is counted under {@code filter} and the slot released; a reject on ingress first sends
 * an ICMP destination unreachable (rate-limited by ICMP's own limit), or a TCP reset through the
 * {@link TcpReset} seam. Rules that {@code log} print at most {@link #LOG_BURST} lines at once and
 * {@link #LOG_PER_SECOND} a second; the rest are counted as {@code log-suppressed}.
 */
public final class Filters {
    /**
     * Sends a TCP reset for a rejected segment, which stays the caller's; the TCP layer provides it
     * ({@code Tcp.of(stack)::resetFor}).
     */
    public interface TcpReset {
        void reset(Packet segment, LayerContext cx);
    }

    public static final int LOG_PER_SECOND = 10, LOG_BURST = 10;
    private static final int PROTO_ICMP = 1;
    private static final int ACCEPTED = 0, DROPPED = 1, REJECTED = 2, LOGGED = 6, LOG_SUPPRESSED = 7;

    private final String iface;
    private final OwnerTable owners;
    private final FlowTable flows;
    private final Icmp icmp;
    private final TcpReset tcpReset;
    private final DropCounters drops = new DropCounters("filter");
    private final Counters counters = new Counters("filter-hooks", "input-accepted", "input-dropped",
            "input-rejected", "output-accepted", "output-dropped", "output-rejected", "logged", "log-suppressed");
    private final Hook ingress = new Hook(RuleSet.INPUT), egress = new Hook(RuleSet.OUTPUT);
    private volatile RuleSet rules = RuleSet.empty();
    private volatile Consumer<String> logSink = System.err::println;
    private Path file;
    // Log rate limit: a token bucket refilled by the stack's time (guarded by this).
    private double logTokens = LOG_BURST;
    private long logRefilled = Long.MIN_VALUE;

    /**
     * @param iface    the interface served, for {@code iifname}/{@code oifname}
     * @param icmp     sends the ICMP errors of {@code reject}; null makes a reject a drop
     * @param tcpReset sends the resets of {@code reject with tcp reset}; null refuses such rules
     */
    public Filters(String iface, OwnerTable owners, FlowTable flows, Icmp icmp, TcpReset tcpReset) {
        this.iface = Objects.requireNonNull(iface, "iface");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.flows = Objects.requireNonNull(flows, "flows");
        this.icmp = icmp;
        this.tcpReset = tcpReset;
        owners.guard(this::bindRefusal);
    }

    /**
     * Puts the hooks where no pipeline carries packets: on ICMP inside {@code ip_rcv} (ingress) and on
     * every datagram the stack originates or a socket sends on its own thread (egress: ICMP's replies and
     * errors, TCP's segments). Pipelines still place {@link #ingress()} and {@link #egress()} for the
     * traffic they carry; the two never see the same packet. Detach with {@link #detach}.
     */
    public Filters attach(ProtoStack stack) {
        stack.icmp().inputHook(ingress);
        stack.output().hook(egress);
        return this;
    }

    /** Removes the hooks {@link #attach} set on {@code stack}. */
    public void detach(ProtoStack stack) {
        if (stack.icmp().inputHook() == ingress) stack.icmp().inputHook(null);
        if (stack.output().hook() == egress) stack.output().hook(null);
    }

    /** The ingress hook (nftables' {@code hook input}): after {@code ip_rcv}, before L4. */
    public Interposer ingress() { return ingress; }

    /** The egress hook ({@code hook output}): after the send path's L4, before {@code ip_send}. */
    public Interposer egress() { return egress; }

    public OwnerTable owners() { return owners; }

    public FlowTable flows() { return flows; }

    public RuleSet rules() { return rules; }

    public DropCounters drops() { return drops; }

    /** input/output accepted, dropped, rejected; logged and log-suppressed lines. */
    public Counters counters() { return counters; }

    public void logTo(Consumer<String> sink) { this.logSink = Objects.requireNonNull(sink); }

    /** Parses {@code text} against this filter's owners and interface. */
    public RuleSet parse(String text, String source) {
        return RuleParser.parse(text, source, owners, iface, tcpReset != null);
    }

    /** Reads, parses and puts in force the rules of {@code path}; the old set stays if anything is wrong. */
    public RuleSet load(Path path) throws IOException {
        RuleSet next = parse(Files.readString(path), path.toString());
        synchronized (this) {
            file = path;
        }
        return replace(next);
    }

    /** Names the file {@link #reload} reads, for a set put in force from its text with {@link #replace}. */
    public synchronized void remember(Path path) { file = Objects.requireNonNull(path, "path"); }

    /** Loads the file last {@link #load loaded} again, as {@code nft -f} after an edit. */
    public RuleSet reload() throws IOException {
        Path p;
        synchronized (this) {
            p = file;
        }
        if (p == null) throw new IllegalStateException("no rule file loaded");
        return load(p);
    }

    /** Puts {@code next} in force at once and returns the set it replaces. */
    public RuleSet replace(RuleSet next) {
        Objects.requireNonNull(next, "next");
        synchronized (this) {
            RuleSet old = rules;
            rules = next;  // volatile store: the packet that reads it next is judged by the new set
            return old;
        }
    }

    private String bindRefusal(int protocol, int port, long owner) {
        RuleSet rs = rules;
        String why = rs.bindRefusal(RuleSet.INPUT, protocol, port, owner);
        return why != null ? why : rs.bindRefusal(RuleSet.OUTPUT, protocol, port, owner);
    }

    /** One hook; both share the rule set reference, so one swap changes both at once. */
    private final class Hook implements Interposer, PacketHook {
        private final int hook;
        private final int counterBase;

        Hook(int hook) {
            this.hook = hook;
            this.counterBase = hook == RuleSet.INPUT ? 0 : 3;
        }

        @Override
        public String name() { return hook == RuleSet.INPUT ? "filter_input" : "filter_output"; }

        /**
         * Small enough to inline into the compiled pipeline: with no base chain for this hook (no rules,
         * or none for this direction) a packet costs one volatile read and a compare.
         */
        @Override
        public int process(Packet p, LayerContext cx) {
            final RuleSet rs = rules;  // one volatile read: this packet's whole judgement uses this set
            if (rs.base[hook] < 0) return NEXT;
            return judge(rs, p, cx);
        }

        private int judge(RuleSet rs, Packet p, LayerContext cx) {
            final int proto = p.protocol, l4 = p.l4Offset;
            final int avail = p.offset + p.length - l4;
            int sport = -1, dport = -1, flags = -1;
            if ((proto == OwnerTable.PROTO_TCP || proto == OwnerTable.PROTO_UDP) && avail >= 4) {
                int ports = Bytes.i32(p.segment(), l4);
                sport = ports >>> 16;
                dport = ports & 0xFFFF;
                if (proto == OwnerTable.PROTO_TCP && avail >= 14) flags = Bytes.u8(p.segment(), l4 + 13);
            } else if (proto == PROTO_ICMP && avail >= 2) {
                flags = Bytes.u16(p.segment(), l4);  // ICMP type and code, for `icmp type`/`icmp code`
            }
            final boolean in = hook == RuleSet.INPUT;
            final int localPort = in ? dport : sport;
            final long owner = localPort < 0 ? 0L : owners.ownerOf(proto, localPort);
            int ct = 0;
            if (rs.usesConntrack) {
                ct = in ? flows.track(FlowTable.IN, p.dstIp, p.srcIp, proto, Math.max(dport, 0), Math.max(sport, 0), cx.now())
                        : flows.track(FlowTable.OUT, p.srcIp, p.dstIp, proto, Math.max(sport, 0), Math.max(dport, 0), cx.now());
            }
            final int stripe = cx.stripe();
            int v = rs.judge(hook, p.srcIp, p.dstIp, proto, sport, dport, flags, ct, owner, p.length, stripe, cx.now(),
                    Filters.this);
            switch (v & 0xFF) {
                case Rule.ACCEPT -> {
                    counters.inc(stripe, counterBase + ACCEPTED);
                    return NEXT;
                }
                case Rule.REJECT -> {
                    counters.inc(stripe, counterBase + REJECTED);
                    if (in) rejectSlow(rs, v >>> 8, p, cx);
                    drops.drop(p, DropReason.FILTER, stripe);
                    return TAKEN;
                }
                default -> {
                    counters.inc(stripe, counterBase + DROPPED);
                    drops.drop(p, DropReason.FILTER, stripe);
                    return TAKEN;
                }
            }
        }
    }

    private void rejectSlow(RuleSet rs, int ruleId, Packet p, LayerContext cx) {
        int code = ruleId == RuleSet.POLICY ? 3 : rs.all[ruleId].rejectCode;
        if (code < 0) {
            if (tcpReset != null && p.protocol == OwnerTable.PROTO_TCP) tcpReset.reset(p, cx);
        } else if (icmp != null) {
            icmp.unreachable(p, code, cx);  // copies what it quotes: the packet is still ours to drop
        }
    }

    /** A rule with {@code log} matched: print a line unless the rate limit says no. Rare; may allocate. */
    void logSlow(Rule r, int srcIp, int dstIp, int protocol, int sport, int dport, long now) {
        boolean print;
        synchronized (this) {
            if (logRefilled == Long.MIN_VALUE) logRefilled = now;
            logTokens = Math.min(LOG_BURST, logTokens + (now - logRefilled) * 1e-9 * LOG_PER_SECOND);
            logRefilled = now;
            print = logTokens >= 1;
            if (print) logTokens -= 1;
        }
        if (!print) {
            counters.inc(LOG_SUPPRESSED);
            return;
        }
        counters.inc(LOGGED);
        String ports = sport < 0 ? "" : " SPT=" + sport + " DPT=" + dport;
        logSink.accept(r.logPrefix + "IN=" + (r.chain) + " SRC=" + Ip4.format(srcIp) + " DST=" + Ip4.format(dstIp)
                + " PROTO=" + OwnerTable.protoName(protocol).toUpperCase(java.util.Locale.ROOT) + ports
                + " RULE=\"" + r.text + "\"");
    }

    @Override
    public String toString() { return "filter on " + iface + ": " + rules.rules() + " rules from " + rules.source(); }
}
