// `--filter FILE --qdisc KIND --control PATH`: a serving command's filter, qdiscs and control socket.
package io.flexnet.cli;

import io.flexnet.interpose.Filters;
import io.flexnet.interpose.FlowTable;
import io.flexnet.interpose.Owner;
import io.flexnet.interpose.OwnerTable;
import io.flexnet.interpose.Qdisc;
import io.flexnet.interpose.QdiscNic;
import io.flexnet.interpose.QdiscSpec;
import io.flexnet.interpose.RuleException;
import io.flexnet.nic.NicDriver;
import io.flexnet.pipeline.Interposer;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.serve.ControlServer;
import io.flexnet.serve.EchoServer;
import io.flexnet.serve.JfrEvents;
import io.flexnet.serve.QdiscRelease;
import io.flexnet.packet.DropCounters;
import java.util.ArrayList;
import java.util.List;
import io.flexnet.serve.ServeViews;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Checked before anything starts (a rule file with an error is refused naming its line, with exit
 * status 2), then wired in: the qdiscs wrap the device, the filter's hooks go into the pipeline, and
 * the control socket opens once the server runs.
 */
final class InterposeOptions {
    @Option(names = "--filter", paramLabel = "FILE",
            description = "Filter with the rules in FILE (a subset of nftables' syntax; see docs/interpose.md).")
    Path filterFile;

    @Option(names = "--qdisc", paramLabel = "QDISC",
            description = "Queueing discipline on every transmit queue, as tc writes it: pfifo, prio, tbf, drr or "
                    + "fq_codel with parameters, e.g. 'tbf rate 10mbit burst 32kb latency 50ms' (default: none).")
    String qdisc;

    @Option(names = "--control", paramLabel = "PATH",
            description = "Answer `flexnet ctl PATH ...` on this Unix-domain socket (mode 0600).")
    Path control;

    private final OwnerTable owners = new OwnerTable();
    private String rules;
    private Filters filters;
    private QdiscNic qdiscs;
    private ControlServer server;
    private JfrEvents jfr;
    private Hangup hangup;

    /** Who owns each port, shared by the filter and {@code --capture 'owner NAME ...'}. */
    OwnerTable owners() { return owners; }

    /** Reads and parses the rule file, checks the qdisc kind; refuses with the reason. */
    void check(CommandLine cl, String iface) {
        if (qdisc != null) make(cl);
        if (filterFile == null) return;
        try {
            rules = Files.readString(filterFile);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--filter " + filterFile + ": cannot read it: " + Reasons.of(e));
        }
        try {
            new Filters(iface, new OwnerTable(), new FlowTable(8, 1), null, (p, cx) -> { }).parse(rules, filterFile.toString());
        } catch (RuleException e) {
            throw new CommandLine.ParameterException(cl, "--filter " + e.getMessage());
        }
    }

    private Supplier<Qdisc> make(CommandLine cl) {
        try {
            return QdiscSpec.parse(qdisc, owners);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--qdisc '" + qdisc + "': " + e.getMessage());
        }
    }

    NicDriver wrap(CommandLine cl, NicDriver nic) {
        if (qdisc == null) return nic;
        qdiscs = new QdiscNic(nic, make(cl), RealRuntime.INSTANCE::nanoTime);
        return qdiscs;
    }

    /** The filter's hooks for the pipeline, made once the stack exists; null without --filter. */
    Function<ProtoStack, Interposer[]> hooks(String iface, int echoPort) {
        if (filterFile == null) return null;
        return stack -> {
            filters = new Filters(iface, owners, new FlowTable(1 << 16, 120_000_000_000L), stack.icmp(),
                    Tcp.of(stack)::resetFor);
            filters.replace(filters.parse(rules, filterFile.toString()));
            filters.remember(filterFile);  // what `ctl PATH reload` and SIGHUP read again
            filters.attach(stack);  // ICMP on ingress, originated datagrams on egress
            // The echo port is the one socket here: its owner is this program, run by this user.
            owners.bind(OwnerTable.PROTO_UDP, echoPort, new Owner("echo", System.getProperty("user.name", "-"), "flexnet"));
            return new Interposer[] {filters.ingress(), filters.egress()};
        };
    }

    /** With a tbf, which holds frames back, a worker that releases them on time; call before the engine starts. */
    void releaseHeldFrames(EchoServer echo) {
        if (qdiscs != null && qdiscs.qdisc(0) instanceof io.flexnet.interpose.Tbf) QdiscRelease.on(echo.engine(), qdiscs);
    }

    /** Opens the control socket if asked, and registers the JFR events (they cost nothing unrecorded). */
    void openControl(EchoServer echo) throws IOException {
        jfr = JfrEvents.register(echo.engine(), () -> {
            List<DropCounters> more = new ArrayList<>();
            if (filters != null) more.add(filters.drops());
            if (qdiscs != null) for (int q = 0; q < qdiscs.txQueues(); q++) more.add(qdiscs.qdisc(q).drops());
            return more;
        });
        if (control != null) {
            server = ControlServer.open(control, ServeViews.of(echo, filters, qdiscs), ServeViews.actions(filters));
        }
    }

    /**
     * With a filter, SIGHUP reloads its rule file as {@code ctl PATH reload} does (the daemon's custom),
     * saying on {@code log} what is in force or why the old rules stay; {@link #close} puts the previous
     * handler back.
     */
    void reloadOnHangup(java.io.PrintWriter log) {
        if (filters == null) return;
        hangup = Hangup.install(() -> {
            try {
                log.println("flexnet serve: SIGHUP: " + ServeViews.reload(filters));
            } catch (RuntimeException e) {
                log.println("flexnet serve: SIGHUP: " + e.getMessage());
            }
            log.flush();
        });
    }

    /** What the filter and qdiscs did, for the exit report; nothing when neither was asked for. */
    void report(java.io.PrintWriter out) {
        if (filters != null) {
            out.println("filter    " + filters.counters().toString().replace('\n', ' '));
            for (String line : filters.rules().describe()) out.println("  " + line);
        }
        if (qdiscs != null) out.print(qdiscs.stats());
    }

    void close() {
        if (hangup != null) hangup.close();
        if (server != null) server.close();
        if (jfr != null) jfr.close();
    }
}
