package io.flexnet.netty;

import io.flexnet.proto.tcp.TcpException;
import io.flexnet.socket.RecvMode;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.concurrent.Future;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A Netty channel over one stack {@link TcpSocket}, worked non-blocking on its event loop: when the
 * socket changes it reads what came into pooled buffers for the pipeline and resumes a write that
 * found the send buffer full. Accepted by a {@link StreamServerChannel}, or a client's: made with
 * {@link #StreamChannel(TcpSockets)} (Bootstrap's {@code channelFactory}) and connected by
 * {@code connect(remote)}, which completes when the handshake does, fails with a
 * {@link ConnectException} when the peer refuses or the stack's SYN retries give up, and with a
 * {@link ConnectTimeoutException} past {@code CONNECT_TIMEOUT_MILLIS}.
 */
public final class StreamChannel extends AbstractChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    private static final int READ_CHUNK = 16 * 1024;
    /** A probe's one byte: only the event loop thread reads into it, and hands what it got on at once. */
    private final byte[] probe = new byte[1];

    private final TcpSocket socket;
    private final DefaultChannelConfig config = new DefaultChannelConfig(this);
    private IoRegistration registration;
    private boolean reading;
    private volatile boolean open = true;
    /** Established: from the start when accepted, once the handshake completes when connected. */
    private volatile boolean active;
    /** A client's connect under way (event loop only), and its timeout. */
    private ChannelPromise connecting;
    private Future<?> connectTimeout;
    private SocketAddress requested;

    StreamChannel(StreamServerChannel parent, TcpSocket socket) {
        super(parent);
        this.socket = socket.mode(RecvMode.NON_BLOCKING);
        this.active = true;
    }

    /** A client channel: a new socket of {@code tcp}, connected by the channel's {@code connect}. */
    public StreamChannel(TcpSockets tcp) {
        super(null);
        this.socket = tcp.open().mode(RecvMode.NON_BLOCKING);
    }

    @Override
    public ChannelConfig config() { return config; }

    @Override
    public boolean isOpen() { return open; }

    @Override
    public boolean isActive() { return open && active && !socket.isClosed(); }

    @Override
    public ChannelMetadata metadata() { return METADATA; }

    @Override
    protected AbstractUnsafe newUnsafe() { return new Unsafe(); }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(StreamHandle.class);
    }

    @Override
    protected SocketAddress localAddress0() {
        return socket.connectionOrNull() == null ? null : new InetSocketAddress(ip(socket.localIp()), socket.localPort());
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return socket.connectionOrNull() == null ? requested : new InetSocketAddress(ip(socket.remoteIp()), socket.remotePort());
    }

    private static String ip(int a) { return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF); }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register(new Handle()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                promise.setSuccess();
            } else promise.setFailure(f.cause());
        });
    }

    @Override
    protected void doBind(SocketAddress local) {
        throw new UnsupportedOperationException(parent() != null ? "an accepted channel is bound already"
                : "a client stream channel takes an ephemeral port when it connects; binding first is not supported");
    }

    @Override
    protected void doDisconnect() { doClose(); }

    @Override
    protected void doClose() {
        open = false;
        ChannelPromise p = connecting;
        if (p != null) {
            connecting = null;
            p.tryFailure(new java.nio.channels.ClosedChannelException());
        }
        if (connectTimeout != null) connectTimeout.cancel(false);
        if (registration != null) registration.cancel();
        socket.close();
    }

    @Override
    protected void doShutdownOutput() { socket.shutdownOutput(); }

    @Override
    protected void doBeginRead() {
        reading = true;
        readNow();
    }

    /**
     * Reads what the socket holds into buffers for the pipeline. A wake-up with nothing to read (an
     * ACK that made the socket writable) takes no buffer: the socket is asked first, and a one-byte
     * probe of one array kept for it tells the end of the stream or its error without allocating.
     */
    private void readNow() {
        if (!reading || !open || !active) return;
        boolean any = false;
        for (;;) {
            int n;
            ByteBuf buf;
            try {
                if (socket.readable() == 0) {
                    n = socket.read(probe, 0, 1, 0);  // 0: nothing yet; EOF; or the connection's error
                    if (n <= 0) {
                        if (any) pipeline().fireChannelReadComplete();
                        if (n == TcpSocket.EOF) unsafe().close(voidPromise());
                        return;
                    }
                    buf = config.getAllocator().heapBuffer(READ_CHUNK);  // a byte came in between
                    buf.writeByte(probe[0]);
                } else {
                    buf = config.getAllocator().heapBuffer(READ_CHUNK);
                    n = socket.read(buf.array(), buf.arrayOffset() + buf.writerIndex(), buf.writableBytes(), 0);
                    if (n <= 0) {
                        buf.release();
                        if (any) pipeline().fireChannelReadComplete();
                        if (n == TcpSocket.EOF) unsafe().close(voidPromise());
                        return;
                    }
                    buf.writerIndex(buf.writerIndex() + n);
                }
            } catch (TcpException e) {
                pipeline().fireExceptionCaught(e);
                unsafe().close(voidPromise());
                return;
            }
            any = true;
            pipeline().fireChannelRead(buf);
            if (!config.isAutoRead()) reading = false;
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        for (Object msg; (msg = in.current()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            int len = buf.readableBytes();
            if (len == 0) {
                in.remove();
                continue;
            }
            int n;
            try {
                n = socket.write(MemorySegment.ofBuffer(buf.nioBuffer(buf.readerIndex(), len)), 0, len, 0);
            } catch (TcpException e) {
                // Netty closes a channel on an IOException from a write (auto-close); a runtime exception
                // would only fail the write and leave the channel open on a dead connection.
                throw new java.io.IOException(e.getMessage(), e);
            }
            if (n > 0) in.removeBytes(n);
            if (n < len) return; // the send buffer is full: the socket changes again when acked
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) return msg;
        throw new UnsupportedOperationException("a stream channel writes ByteBuf only, got " + msg.getClass().getName());
    }

    private final class Unsafe extends AbstractUnsafe {
        void resume() { flush0(); }

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) return;
            if (parent() != null || active) {
                promise.setFailure(new java.nio.channels.AlreadyConnectedException());
                return;
            }
            if (connecting != null) {
                promise.setFailure(new java.nio.channels.ConnectionPendingException());
                return;
            }
            if (local != null) {
                promise.setFailure(new UnsupportedOperationException("a client stream channel cannot bind " + local));
                return;
            }
            if (!(remote instanceof InetSocketAddress a) || !(a.getAddress() instanceof Inet4Address v4)) {
                promise.setFailure(new IllegalArgumentException("an IPv4 address and port to connect to, got " + remote));
                return;
            }
            requested = remote;
            byte[] b = v4.getAddress();
            int ip = (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
            try {
                if (socket.connect(ip, a.getPort())) {
                    connected(promise);
                    return;
                }
            } catch (RuntimeException e) {
                promise.tryFailure(connectFailure(e, remote));
                close(voidPromise());
                return;
            }
            connecting = promise;
            int millis = config.getConnectTimeoutMillis();
            if (millis > 0) {
                connectTimeout = eventLoop().schedule(() -> {
                    ChannelPromise p = connecting;
                    if (p != null && p.tryFailure(new ConnectTimeoutException("connection timed out after " + millis
                            + " ms: " + remote))) {
                        close(voidPromise());
                    }
                }, millis, TimeUnit.MILLISECONDS);
            }
            // The socket changes when the handshake ends either way; the handle calls finishConnect.
        }

        /** On the event loop when the socket changed while connecting: the handshake ended, or not yet. */
        void finishConnect() {
            ChannelPromise p = connecting;
            if (p == null) return;
            try {
                if (!socket.connected()) return;
            } catch (RuntimeException e) {
                connecting = null;
                if (connectTimeout != null) connectTimeout.cancel(false);
                p.tryFailure(connectFailure(e, requested));
                close(voidPromise());
                return;
            }
            connecting = null;
            if (connectTimeout != null) connectTimeout.cancel(false);
            connected(p);
        }

        private void connected(ChannelPromise promise) {
            active = true;
            boolean promised = promise.trySuccess();
            pipeline().fireChannelActive();  // reads begin here when auto-read is on
            if (!promised) close(voidPromise());  // the connect was given up on meanwhile
        }
    }

    private static ConnectException connectFailure(RuntimeException e, SocketAddress remote) {
        ConnectException c = new ConnectException(e.getMessage() + ": " + remote);
        c.initCause(e);
        return c;
    }

    private final class Handle implements StreamHandle {
        @Override
        public Object socket() { return socket; }

        @Override
        public void handle(IoRegistration r, IoEvent e) {
            if (connecting != null) ((Unsafe) unsafe()).finishConnect();
            if (!active) return;
            readNow();
            if (open) ((Unsafe) unsafe()).resume();
        }

        @Override
        public void close() { unsafe().close(voidPromise()); }
    }
}
