// `--capture EXPR -w FILE|-`: a filtered live capture at the NIC, as pcapng, for commands that serve.
package io.flexnet.cli;

import io.flexnet.interpose.CaptureFilter;
import io.flexnet.interpose.CaptureFilterException;
import io.flexnet.interpose.NicCapture;
import io.flexnet.interpose.OwnerTable;
import io.flexnet.nic.EpochClock;
import io.flexnet.nic.NicDriver;
import io.flexnet.nic.PcapWriter;
import io.flexnet.nic.PcapngWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options and their checks, apart from the command that has them: the expression is compiled (by
 * libpcap) and the file opened before anything starts, so a bad filter or an unwritable file is
 * refused with exit status 2 and nothing to clean up. With {@code -w -} the capture goes to standard
 * output, frame by frame, and the command's own messages must go to standard error.
 */
final class CaptureOptions {
    @Option(names = "--capture", paramLabel = "EXPR",
            description = "Capture frames at the NIC that match this tcpdump filter expression (pcap-filter(7)), "
                    + "optionally after 'owner TENANT and'; needs -w.")
    String expression;

    @Option(names = "-w", paramLabel = "FILE|-",
            description = "Write the capture as pcapng to FILE, or to standard output with -: ... -w - | tshark -r -")
    String output;

    /** Where {@code -w -} writes; a test puts a pipe to tshark here. */
    OutputStream stdout = new FileOutputStream(FileDescriptor.out);

    private CaptureFilter filter;
    private PcapngWriter writer;
    private NicCapture nic;

    /** True when the capture goes to standard output, which the command must then leave alone. */
    boolean toStdout() { return "-".equals(output); }

    /**
     * Compiles the filter and opens the output; null when no capture was asked for.
     *
     * @throws CommandLine.ParameterException for a bad expression or a missing -w
     * @throws IOException when the file cannot be written (the caller words it)
     */
    PcapngWriter open(CommandLine cl, OwnerTable owners) throws IOException {
        if (output == null) {
            if (expression != null) throw new CommandLine.ParameterException(cl, "--capture needs -w FILE or -w -");
            return null;
        }
        try {
            filter = expression == null || expression.isBlank() ? null : CaptureFilter.compile(expression, owners);
        } catch (CaptureFilterException e) {
            throw new CommandLine.ParameterException(cl, "--capture '" + e.expression() + "': " + e.reason());
        }
        writer = toStdout()
                ? new PcapngWriter(Channels.newChannel(stdout), PcapWriter.DEFAULT_SNAPLEN, true)
                : PcapngWriter.create(Path.of(output));
        return writer;
    }

    /** {@code nic} with the capture points in front of it, or {@code nic} itself when none was asked for. */
    NicDriver wrap(NicDriver nic) {
        if (writer == null) return nic;
        this.nic = new NicCapture(nic, filter, writer, EpochClock::nanos);
        return this.nic;
    }

    /** One line per capture point: what it saw and kept; nothing when there was no capture. */
    void report(PrintWriter out) {
        if (nic == null) return;
        out.println("capture   " + nic.rxPoint());
        out.println("capture   " + nic.txPoint());
    }
}
