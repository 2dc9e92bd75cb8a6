// The control views of a running serve: sockets, queues, counters, drops, tenants, filters, qdiscs.
package io.flexnet.serve;

import io.flexnet.engine.Engine;
import io.flexnet.interpose.Filters;
import io.flexnet.interpose.OwnerTable;
import io.flexnet.interpose.Qdisc;
import io.flexnet.interpose.QdiscNic;
import io.flexnet.interpose.RuleSet;
import io.flexnet.interpose.TenantLimits;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.ProtoStack;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What {@code flexnet ctl} can ask a serve for; each view reads the live counters when asked. */
public final class ServeViews {
    private ServeViews() {}

    /**
     * @param filters the filter in force, or null
     * @param qdiscs  the transmit qdiscs, or null
     */
    public static Map<String, Supplier<Table>> of(EchoServer server, Filters filters, QdiscNic qdiscs) {
        Engine e = server.engine();
        ProtoStack st = e.stack();
        OwnerTable owners = filters == null ? null : filters.owners();
        Map<String, Supplier<Table>> v = new LinkedHashMap<>();
        v.put("sockets", () -> {
            Table t = new Table("Proto", "Local", "Endpoint", "Owner", "User", "Program");
            String local = io.flexnet.packet.Ip4.format(st.config().ip());
            for (int port = 1; port <= 0xFFFF; port++) {
                Endpoint ep = st.ports().get(port);
                if (ep == null) continue;
                String[] o = owner(owners, port);
                t.row("udp", local + ":" + port, ep, o[0], o[1], o[2]);
            }
            return t;
        });
        v.put("queues", () -> {
            Table t = new Table("Queue", "Capacity", "Depth", "Enqueued", "Dequeued", "Full", "OverLimit");
            for (CoroutineQueue q : e.queues()) {
                t.row(q.name(), q.capacity(), q.depth(), q.enqueued(), q.dequeued(), q.full(), q.overLimit());
            }
            return t;
        });
        v.put("counters", () -> {
            Table t = new Table("Stage", "Counter", "Value");
            for (Counters c : List.of(st.ethRcv().counters(), st.arp().counters(), st.ipRcv().counters(),
                    st.icmp().counters(), st.udpRcv().counters(), server.echo().counters(), st.udpSend().counters(),
                    st.ipSend().counters(), st.ethSend().counters())) {
                for (int i = 0; i < c.size(); i++) t.row(c.name(), c.label(i), c.get(i));
            }
            if (filters != null) {
                Counters c = filters.counters();
                for (int i = 0; i < c.size(); i++) t.row(c.name(), c.label(i), c.get(i));
            }
            return t;
        });
        v.put("drops", () -> {
            Table t = new Table("Stage", "Reason", "Packets");
            List<DropCounters> all = new java.util.ArrayList<>(e.dropCounters());
            if (filters != null) all.add(filters.drops());
            if (qdiscs != null) for (int q = 0; q < qdiscs.txQueues(); q++) all.add(qdiscs.qdisc(q).drops());
            for (DropCounters d : all) {
                for (DropReason r : DropReason.values()) {
                    long n = d.get(r);
                    if (n != 0) t.row(d.stage(), r.label(), n);
                }
            }
            return t;
        });
        v.put("tenants", () -> tenants(owners));
        v.put("filters", () -> {
            Table t = new Table("Chain", "Rule", "Packets", "Bytes");
            if (filters != null) {
                RuleSet rs = filters.rules();
                for (String[] r : rs.rows()) t.row((Object[]) r);
            }
            return t;
        });
        v.put("qdiscs", () -> {
            Table t = new Table("Queue", "Qdisc", "Parameters", "SentBytes", "SentPackets", "Dropped", "Overlimits",
                    "BacklogBytes", "BacklogPackets");
            if (qdiscs != null) {
                for (int q = 0; q < qdiscs.txQueues(); q++) {
                    Qdisc d = qdiscs.qdisc(q);
                    t.row(q, d.kind(), d.toString().substring(d.kind().length()).strip(), d.sentBytes(), d.sentPackets(),
                            d.dropped(), d.overlimits(), d.backlogBytes(), d.backlogPackets());
                }
            }
            return t;
        });
        return v;
    }

    /**
     * One row per held port: its owner, and what the owner's tenant holds of each cap ("3/16", or the
     * count alone when uncapped), its cap on entries in shared queues, and its refusals.
     */
    static Table tenants(OwnerTable owners) {
        Table t = new Table("Proto", "Port", "Tenant", "User", "Program", "Sockets", "Slots", "Bytes", "Entries",
                "Refused");
        if (owners == null) return t;
        for (String line : owners.describe()) {
            String[] w = line.split(" ");
            if (w[2].equals("-")) {
                t.row(w[0], w[1], w[2], w[3], w[4], "-", "-", "-", "-", "-");
                continue;
            }
            int id = owners.id(w[2]);
            long[] used = owners.limits().used(id);
            TenantLimits.Limit l = owners.limits().limit(id);
            t.row(w[0], w[1], w[2], w[3], w[4], usedOf(used[0], l == null ? Long.MAX_VALUE : l.sockets()),
                    usedOf(used[1], l == null ? Long.MAX_VALUE : l.slots()),
                    usedOf(used[2], l == null ? Long.MAX_VALUE : l.bytes()),
                    l == null || l.entries() == Integer.MAX_VALUE ? "-" : "cap " + l.entries(),
                    owners.limits().refused(id));
        }
        return t;
    }

    /** "3/16": what a tenant holds of its cap, or the count alone when uncapped. */
    private static String usedOf(long used, long cap) {
        return cap == Long.MAX_VALUE || cap == Integer.MAX_VALUE ? Long.toString(used) : used + "/" + cap;
    }

    /**
     * What {@code flexnet ctl} can ask a serve to do: {@code reload} reads the filter's rule file again
     * and puts it in force at once, or, for a file with an error, keeps the rules in force and says
     * {@code FILE:LINE: reason}. Without a filter, nothing.
     */
    public static Map<String, Supplier<String>> actions(Filters filters) {
        if (filters == null) return Map.of();
        return Map.of("reload", () -> reload(filters));
    }

    /** Reloads {@code filters}' rule file: a line saying what is in force now, or throws saying why not. */
    public static String reload(Filters filters) {
        try {
            RuleSet old = filters.reload();  // returns the set it replaced
            RuleSet now = filters.rules();
            return "reloaded " + now.source() + ": " + now.rules() + " rules in force (were " + old.rules() + ")";
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the rule file: " + e + "; the old rules stay in force");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; the old rules stay in force", e);
        }
    }

    private static String[] owner(OwnerTable owners, int port) {
        if (owners == null) return new String[] {"-", "-", "-"};
        String[] w = owners.describeOwner(OwnerTable.PROTO_UDP, port);
        return w;
    }
}
