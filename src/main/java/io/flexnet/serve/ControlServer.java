// The control socket of a running stack: one request line in, one table out, over a Unix-domain socket.
package io.flexnet.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code flexnet ctl PATH VIEW [--json]} talks to this: the client writes {@code VIEW} or
 * {@code VIEW --json} and a newline, the server answers with the view's {@link Table} and closes.
 * Views are suppliers, read on the server's thread when asked: the figures are the live counters.
 *
 * <p>Only the owning user may connect: the socket is bound inside a fresh directory of mode 0700,
 * given mode 0600, and only then moved to {@code PATH}, so there is no moment at which another user
 * could connect. An existing socket at {@code PATH} from a dead server is replaced; any other file
 * there is refused.
 */
public final class ControlServer implements AutoCloseable {
    /** Longest request line accepted; every valid one is a few dozen bytes. */
    static final int MAX_REQUEST = 256;

    private final Path path;
    private final ServerSocketChannel server;
    private final Map<String, Supplier<Table>> views;
    private final Map<String, Supplier<String>> actions;
    private final Thread thread;

    private ControlServer(Path path, ServerSocketChannel server, Map<String, Supplier<Table>> views,
                          Map<String, Supplier<String>> actions) {
        this.path = path;
        this.server = server;
        this.views = new TreeMap<>(views);
        this.actions = new TreeMap<>(actions);
        this.thread = Thread.ofPlatform().daemon().name("flexnet-control").start(this::serve);
    }

    /** Binds {@code path} (mode 0600) and starts answering {@code views}. */
    public static ControlServer open(Path path, Map<String, Supplier<Table>> views) throws IOException {
        return open(path, views, Map.of());
    }

    /**
     * As {@link #open(Path, Map)}, with {@code actions} besides the views: requests that change the
     * running stack ({@code reload}). An action answers a line saying what it did, or throws with the
     * reason it did nothing, which the client prints as the error.
     */
    public static ControlServer open(Path path, Map<String, Supplier<Table>> views, Map<String, Supplier<String>> actions)
            throws IOException {
        Objects.requireNonNull(views, "views");
        Objects.requireNonNull(actions, "actions");
        Path abs = path.toAbsolutePath();
        if (Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(abs)) throw new IOException(path + " exists and is not a socket");
            Files.delete(abs);  // left by a server that died
        }
        Path dir = Files.createTempDirectory(abs.getParent(), ".flexnet-ctl",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = dir.resolve("s");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(dir);
        }
        return new ControlServer(abs, ch, views, actions);
    }

    private static boolean isSocket(Path p) throws IOException {
        Object mode = Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer m && (m & 0xF000) == 0xC000;  // S_IFSOCK
    }

    public Path path() { return path; }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                answer(c);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException | RuntimeException e) {
                // One client's trouble (it hung up, a view failed) must not end the server.
            }
        }
    }

    private void answer(SocketChannel c) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining() && c.read(in) > 0) {
            if (in.get(in.position() - 1) == '\n') break;
        }
        String request = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
        c.write(ByteBuffer.wrap(respond(request).getBytes(StandardCharsets.UTF_8)));
    }

    /** The reply to one request line: "ok" and the table, or "error" and why. */
    String respond(String request) {
        String[] words = request.split("\\s+");
        boolean json = words.length == 2 && words[1].equals("--json");
        if (words.length == 0 || words.length > 2 || words.length == 2 && !json) {
            return "error bad request '" + request + "'; expected VIEW or VIEW --json\n";
        }
        Supplier<String> action = actions.get(words[0]);
        if (action != null) {
            if (json) return "error " + words[0] + " is an action; it has no --json form\n";
            try {
                return "ok\n" + action.get().strip() + "\n";
            } catch (RuntimeException e) {
                String why = e.getMessage() != null ? e.getMessage() : e.toString();
                return "error " + words[0] + ": " + why.replace('\n', ' ') + "\n";
            }
        }
        Supplier<Table> view = views.get(words[0]);
        if (view == null) {
            return "error no view '" + words[0] + "'; views: " + String.join(", ", views.keySet())
                    + (actions.isEmpty() ? "" : "; actions: " + String.join(", ", actions.keySet())) + "\n";
        }
        Table t;
        try {
            t = view.get();
        } catch (RuntimeException e) {
            return "error view " + words[0] + " failed: " + e + "\n";
        }
        return "ok\n" + (json ? t.json() : t.text());
    }

    /** Stops answering and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
            thread.join(1000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
