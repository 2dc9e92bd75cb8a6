// Netty's hello-world HTTP server, one program for two transports: the stack's channels or Netty's NIO.
package io.flexnet.netty;

import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.TcpSockets;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * netty-codec-http's hello-world server (its example's pipeline: codec, expect-continue, a handler
 * answering "Hello World" with keep-alive), the only difference between its two runs being the
 * channel class: {@link #onStack} serves it on the stack's TCP through {@link StreamServerChannel};
 * {@code java -cp flexnet.jar io.flexnet.netty.HelloWorld ADDR PORT [SECONDS]} serves it on the
 * kernel's TCP through Netty's own NIO transport (one event loop, as on the stack), prints
 * {@code ready} once it listens and ends after SECONDS (default 300). {@code app-bench --netty}
 * puts the two side by side under wrk.
 */
public final class HelloWorld {
    private static final byte[] BODY = "Hello World".getBytes(StandardCharsets.US_ASCII);

    private HelloWorld() {}

    /** The example's handler: "Hello World" to every request, closing when the request asks. */
    public static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest req)) return;
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(BODY));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            if (HttpUtil.isKeepAlive(req)) ctx.write(res);
            else ctx.write(res).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) { ctx.flush(); }

        /** A client's reset (wrk ends every run with some) closes its channel, as the example's handler does. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
    }

    /** The server on {@code group}, bound to {@code local}, with channels from {@code channels}. */
    public static Channel serve(EventLoopGroup group, ChannelFactory<? extends ServerChannel> channels, InetSocketAddress local)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(channels)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(), new Hello());
                    }
                }).bind(local).sync().channel();
    }

    /** On the stack's TCP ({@code tcp}), port {@code port}, on {@code group} (a {@link StreamIoHandler} group). */
    public static Channel onStack(EventLoopGroup group, TcpSockets tcp, int port) throws InterruptedException {
        return serve(group, () -> new StreamServerChannel(tcp), new InetSocketAddress(port));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: HelloWorld ADDR PORT [SECONDS]");
            System.exit(2);
        }
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 300;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel ch = serve(group, NioServerSocketChannel::new, new InetSocketAddress(args[0], Integer.parseInt(args[1])));
        System.out.println("ready " + args[0] + " netty-nio " + args[1]);
        System.out.flush();
        RealRuntime rt = RealRuntime.INSTANCE;
        long end = rt.nanoTime() + seconds * 1_000_000_000L;
        for (long left; (left = end - rt.nanoTime()) > 0 && ch.isOpen(); ) rt.park(Math.min(left, 1_000_000_000L));
        group.shutdownGracefully();
        System.exit(0);
    }
}
