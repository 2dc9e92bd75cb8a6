// Netty clients on the stack: a Netty HTTP client connects with a StreamChannel and talks to a server.
package io.flexnet.netty;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.FakeTransport;
import io.flexnet.socket.TcpSockets;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
public class NettyClientTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.2", 80);

    /** A Netty HTTP client over {@code tcp}: each full response's status and body go to {@code got}. */
    public static Bootstrap client(MultiThreadIoEventLoopGroup group, TcpSockets tcp, BlockingQueue<String> got) {
        return client(group, tcp, 1 << 20, r -> got.add(r.status().code() + " " + r.content().toString(StandardCharsets.US_ASCII)));
    }

    /**
     * A Netty HTTP client over {@code tcp} (HttpClientCodec, an aggregator of up to {@code maxBody}
     * bytes): each full response goes to {@code onResponse}, which must retain it to keep it.
     */
    public static Bootstrap client(MultiThreadIoEventLoopGroup group, TcpSockets tcp, int maxBody,
            java.util.function.Consumer<FullHttpResponse> onResponse) {
        return new Bootstrap().group(group).channelFactory(() -> new StreamChannel(tcp))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxBody),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                        onResponse.accept(r);
                                    }
                                });
                    }
                });
    }

    public static DefaultFullHttpRequest get(String host) {
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.headers().set(HttpHeaderNames.HOST, host);
        return req;
    }

    @Test
    void aNettyHttpClientTalksToTheNettyServerOnTheStack() throws Exception {
        FakeTransport transport = new FakeTransport(4096).manualHandshakes(true);
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(64, RealRuntime.INSTANCE));
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try {
            Channel server = NettyHelloWorldTest.serve(group, tcp, 80);
            ChannelFuture f = client(group, tcp, got).connect(SERVER);
            // The handshake is under way: the connect waits for it, the channel is not active yet.
            while (transport.pending() == 0) Thread.onSpinWait();
            assertFalse(f.isDone(), "connect completes with the handshake, not before");
            assertFalse(f.channel().isActive());
            transport.completeHandshakes();
            Channel c = f.sync().channel();
            assertTrue(c.isActive());
            assertEquals(SERVER.getPort(), ((InetSocketAddress) c.remoteAddress()).getPort());
            c.writeAndFlush(get("x"));
            c.writeAndFlush(get("x"));
            assertEquals("200 Hello World", got.poll(20, TimeUnit.SECONDS));
            assertEquals("200 Hello World", got.poll(20, TimeUnit.SECONDS), "two requests over one connection");
            c.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aRefusedConnectFailsWithConnectExceptionAndClosesTheChannel() throws Exception {
        FakeTransport transport = new FakeTransport(4096).manualHandshakes(true);
        TcpSockets tcp = new TcpSockets(transport, RealRuntime.INSTANCE);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(64, RealRuntime.INSTANCE));
        try {
            ChannelFuture f = client(group, tcp, new LinkedBlockingQueue<>()).connect(new InetSocketAddress("198.18.0.2", 81));
            while (transport.pending() == 0) Thread.onSpinWait();
            transport.refuseHandshakes();
            assertTrue(f.await(20, TimeUnit.SECONDS));
            assertInstanceOf(ConnectException.class, f.cause(), String.valueOf(f.cause()));
            assertTrue(f.cause().getMessage().contains("connection refused"), f.cause().getMessage());
            assertTrue(f.channel().closeFuture().await(20, TimeUnit.SECONDS), "the channel closes");

            // Refused at once (no handshake pending), the same.
            ChannelFuture now = client(group, new TcpSockets(new FakeTransport(4096), RealRuntime.INSTANCE),
                    new LinkedBlockingQueue<>()).connect(new InetSocketAddress("198.18.0.2", 81));
            assertTrue(now.await(20, TimeUnit.SECONDS));
            assertInstanceOf(ConnectException.class, now.cause(), String.valueOf(now.cause()));

            // A handshake that never ends is given up on at CONNECT_TIMEOUT_MILLIS.
            ChannelFuture slow = client(group, tcp, new LinkedBlockingQueue<>())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 200).connect(SERVER);
            assertTrue(slow.await(20, TimeUnit.SECONDS));
            assertInstanceOf(ConnectTimeoutException.class, slow.cause(), String.valueOf(slow.cause()));
            assertTrue(slow.channel().closeFuture().await(20, TimeUnit.SECONDS));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
