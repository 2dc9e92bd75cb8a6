// `flexnet ctl PATH VIEW [--json]`: ask a running serve for a view over its control socket.
package io.flexnet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ctl", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = {"Show a running serve's state, read over its control socket (serve --control PATH).",
                "",
                "VIEW is sockets, queues, counters, drops, tenants, filters or qdiscs;",
                "reload reads serve's --filter file again (a file with an error changes nothing).",
                "Example: flexnet ctl /run/fx0.ctl qdiscs"})
public final class CtlCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOCKET-PATH", description = "The control socket serve opened.")
    Path socket;

    @Parameters(index = "1", paramLabel = "VIEW",
            description = "sockets, queues, counters, drops, tenants, filters or qdiscs.")
    String view;

    @Option(names = "--json", description = "Print the view as JSON: an array of objects, one per row.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (view.isBlank() || view.contains(" ") || view.contains("\n")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "VIEW must be one word, got '" + view + "'");
        }
        String reply;
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            c.write(ByteBuffer.wrap((view + (json ? " --json" : "") + "\n").getBytes(StandardCharsets.UTF_8)));
            c.shutdownOutput();
            reply = new String(readAll(c), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("flexnet ctl: " + socket + ": " + Reasons.of(e) + " (is serve running with --control " + socket + "?)");
            err.flush();
            return 2;
        }
        if (reply.startsWith("ok\n")) {
            out.print(reply.substring(3));
            out.flush();
            return 0;
        }
        err.println("flexnet ctl: " + (reply.startsWith("error ") ? reply.substring(6).strip() : "bad reply: " + reply.strip()));
        err.flush();
        return 2;
    }

    private static byte[] readAll(SocketChannel c) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (c.read(b) > 0 || b.position() > 0) {
            all.write(b.array(), 0, b.position());
            b.clear();
        }
        return all.toByteArray();
    }
}
