package io.flexnet.netty;

import io.flexnet.socket.RecvMode;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.netty.channel.AbstractServerChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A Netty server channel listening on the stack's TCP: bound, it registers its listening socket with
 * the event loop's {@link StreamIoHandler} and hands each accepted connection to the pipeline as a
 * {@link StreamChannel} (ServerBootstrap's acceptor registers it).
 */
public final class StreamServerChannel extends AbstractServerChannel {
    private final TcpSockets tcp;
    private final DefaultChannelConfig config = new DefaultChannelConfig(this);
    private TcpListenSocket listener;
    private IoRegistration registration;
    private volatile boolean open = true;

    public StreamServerChannel(TcpSockets tcp) { this.tcp = tcp; }

    @Override
    public ChannelConfig config() { return config; }

    @Override
    public boolean isOpen() { return open; }

    @Override
    public boolean isActive() { return open && listener != null; }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(StreamHandle.class);
    }

    @Override
    protected SocketAddress localAddress0() { return listener == null ? null : new InetSocketAddress(listener.localPort()); }

    @Override
    protected void doBind(SocketAddress local) throws Exception {
        int port = ((InetSocketAddress) local).getPort();
        listener = tcp.openListener().mode(RecvMode.NON_BLOCKING).listen(port, 1024);
        ((IoEventLoop) eventLoop()).register(new Handle()).addListener(f -> {
            if (!f.isSuccess()) {
                pipeline().fireExceptionCaught(f.cause());
                return;
            }
            registration = (IoRegistration) f.getNow();
            accept(); // connections that came before the poller watched the listener
        });
    }

    @Override
    protected void doClose() {
        open = false;
        if (registration != null) registration.cancel();
        if (listener != null) listener.close();
    }

    @Override
    protected void doBeginRead() { accept(); }

    private void accept() {
        if (listener == null || !open) return;
        boolean any = false;
        for (TcpSocket c; (c = listener.accept(0)) != null; ) {
            pipeline().fireChannelRead(new StreamChannel(this, c));
            any = true;
        }
        if (any) pipeline().fireChannelReadComplete();
    }

    private final class Handle implements StreamHandle {
        @Override
        public Object socket() { return listener; }

        @Override
        public void handle(IoRegistration r, IoEvent e) { accept(); }

        @Override
        public void close() { StreamServerChannel.this.close(); }
    }
}
