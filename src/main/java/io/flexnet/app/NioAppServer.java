package io.flexnet.app;

import io.flexnet.packet.Counters;
import io.flexnet.runtime.StackRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Locale;

/**
 * Serves a {@link Protocol} on the kernel's TCP through Java NIO: one thread over a {@link Selector},
 * each connection a non-blocking {@link SocketChannel} worked by the same {@link Exchange} and
 * {@link Session} code as {@link StackAppServer} uses on the stack. It is the baseline the stack is
 * measured against, with the same client in the same run; it serves in whatever network namespace
 * the JVM (or the thread that binds it) is in.
 */
public final class NioAppServer implements AppServer {
    private static final long SELECT_MILLIS = 100;

    private final Protocol protocol;
    private final InetSocketAddress address;
    private final StackRuntime runtime;
    private final int maxConnections, maxInput;
    private final ServerCounters counters;
    private final ChannelStream stream = new ChannelStream();
    private Selector selector;
    private ServerSocketChannel server;
    private Thread thread;
    private int open;
    private volatile boolean stopping;
    private volatile Throwable failure;

    public NioAppServer(Protocol protocol, InetSocketAddress address, StackRuntime runtime, int maxConnections) {
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
        this.protocol = protocol;
        this.address = address;
        this.runtime = runtime;
        this.maxConnections = maxConnections;
        this.maxInput = StackAppServer.maxInput(protocol);
        this.counters = new ServerCounters("kernel " + protocol.name() + " " + address);
    }

    @Override
    public synchronized void start() throws IOException {
        if (thread != null) throw new IllegalStateException("already started");
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(address, 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = runtime.newThread("nio-" + protocol.name() + "-" + port(), this::loop);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!stopping) {
                selector.select(SELECT_MILLIS);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) continue;
                    if (k.isAcceptable()) acceptAll();
                    else serve(k);
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            closeAll();
        }
    }

    private void acceptAll() throws IOException {
        for (SocketChannel c; (c = server.accept()) != null; ) {
            counters.inc(ServerCounters.ACCEPTED);
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Exchange x = new Exchange(protocol.open(), 16 * 1024, maxInput);
            if (open >= maxConnections) {
                counters.inc(ServerCounters.REFUSED);
                x.session().onRefused(x.output());
                Output o = x.output();
                c.write(ByteBuffer.wrap(o.pendingArray(), o.pendingOffset(), o.pendingLength()));
                c.close();
                continue;
            }
            open++;
            c.register(selector, SelectionKey.OP_READ, x);
        }
    }

    private void serve(SelectionKey k) {
        Exchange x = (Exchange) k.attachment();
        SocketChannel c = (SocketChannel) k.channel();
        stream.channel = c;
        try {
            switch (x.pump(stream)) {
                case Exchange.WAIT_WRITE -> k.interestOps(SelectionKey.OP_WRITE);
                case Exchange.WAIT_READ -> k.interestOps(SelectionKey.OP_READ);
                case Exchange.CLOSE -> finish(k, ServerCounters.CLOSED);
                default -> finish(k, ServerCounters.PEER_CLOSED);
            }
        } catch (IOException e) {  // reset by the peer, most likely
            finish(k, ServerCounters.RESET);
        } finally {
            stream.channel = null;
        }
    }

    private void finish(SelectionKey k, int why) {
        counters.inc(why);
        open--;
        k.cancel();
        try {
            k.channel().close();
        } catch (IOException ignored) {
            // closing a socket the peer reset: nothing left to do
        }
    }

    private void closeAll() {
        try {
            for (SelectionKey k : selector.keys()) k.channel().close();
            selector.close();
        } catch (IOException ignored) {
            // best effort at shutdown
        }
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        if (thread == null || stopping) return;
        stopping = true;
        selector.wakeup();
        thread.join();
    }

    /** The port bound (the one asked for, or the one given for port 0). */
    @Override
    public int port() {
        try {
            return server != null ? ((InetSocketAddress) server.getLocalAddress()).getPort() : address.getPort();
        } catch (IOException e) {
            return address.getPort();
        }
    }

    @Override
    public Protocol protocol() { return protocol; }
    @Override
    public Counters counters() { return counters.counters(); }
    @Override
    public Throwable failure() { return failure; }

    @Override
    public String report() {
        return String.format(Locale.ROOT, "  %-9s%s%n  %-9s%s%n", protocol.name(), " kernel port " + port() + counters.line(),
                "", ServerCounters.line(protocol.counters()));
    }

    /**
     * A {@link SocketChannel} as a {@link ByteStream}, through a heap buffer wrapping the exchange's
     * array: wrapped again only when the array changes (it grew), so steady state allocates nothing.
     */
    private static final class ChannelStream implements ByteStream {
        SocketChannel channel;
        private byte[] readArray, writeArray;
        private ByteBuffer readBuf, writeBuf;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (b != readArray) {
                readArray = b;
                readBuf = ByteBuffer.wrap(b);
            }
            readBuf.limit(off + len).position(off);
            return channel.read(readBuf);
        }

        @Override
        public int write(byte[] b, int off, int len) throws IOException {
            if (b != writeArray) {
                writeArray = b;
                writeBuf = ByteBuffer.wrap(b);
            }
            writeBuf.limit(off + len).position(off);
            return channel.write(writeBuf);
        }
    }
}
