// Netty's hello-world HTTP server on the stack over a TAP, answering curl in a namespace.
package io.flexnet.serve;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.netty.NettyHelloWorldTest;
import io.flexnet.netty.StreamIoHandler;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import io.flexnet.runtime.RealRuntime;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class NettyOverTapTest {
    @Test
    void curlGetsHelloWorldFromNettyOnTheStack() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("curl", "curl");
        try (TcpServedPeer p = TcpServedPeer.open(null)) {
            MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(256, RealRuntime.INSTANCE));
            try {
                Channel server = NettyHelloWorldTest.serve(group, p.tcp, 8080);
                String url = "http://" + KernelPeer.STACK_IP + ":8080/";
                // Two requests over one kept-alive connection, then a fresh connection.
                Shell.Result r = p.peer.exec(Duration.ofSeconds(30), "curl", "-sS", "-m", "20", url, url);
                assertTrue(r.ok(), r.describe() + p.report());
                assertEquals("Hello WorldHello World", r.stdout(), r.describe());
                r = p.peer.exec(Duration.ofSeconds(30), "curl", "-sS", "-m", "20", "-i", url);
                assertTrue(r.ok() && r.stdout().startsWith("HTTP/1.1 200 OK\r\n") && r.stdout().endsWith("\r\n\r\nHello World"),
                        r.describe());
                server.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
            assertEquals(0, p.stop(), "packet slots still in use\n" + p.report());
        }
    }

    @Test
    void aNettyClientOnTheStackFetchesFromTheKernelsHttpServer() throws Exception {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("python3", "python3");
        Path dir = Files.createTempDirectory("flexnet-http");
        byte[] body = new byte[1 << 20];
        new java.util.Random(7).nextBytes(body);
        Files.write(dir.resolve("blob"), body);
        try (TcpServedPeer p = TcpServedPeer.open(null);
                Shell.Spawned http = p.peer.spawn("python3", "-m", "http.server", "8000", "--bind", KernelPeer.KERNEL_IP,
                        "--directory", dir.toString())) {
            MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(256, RealRuntime.INSTANCE));
            try {
                BlockingQueue<FullHttpResponse> got = new LinkedBlockingQueue<>();
                Bootstrap b = io.flexnet.netty.NettyClientTest.client(group, p.tcp, 2 << 20, r -> got.add(r.retainedDuplicate()));
                InetSocketAddress server = new InetSocketAddress(KernelPeer.KERNEL_IP, 8000);
                Channel c = null;
                for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); c == null; ) {
                    ChannelFuture f = b.connect(server).await();  // until python listens: refused
                    if (f.isSuccess()) c = f.channel();
                    else if (System.nanoTime() > deadline) fail("no connection: " + f.cause() + "\n" + http.await(Duration.ofSeconds(1)).describe());
                    else Thread.sleep(100);
                }
                DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/blob");
                req.headers().set(HttpHeaderNames.HOST, KernelPeer.KERNEL_IP);
                c.writeAndFlush(req);
                FullHttpResponse r = got.poll(30, TimeUnit.SECONDS);
                assertNotNull(r, "no response\n" + p.report());
                try {
                    assertEquals(200, r.status().code());
                    byte[] read = new byte[r.content().readableBytes()];
                    r.content().getBytes(r.content().readerIndex(), read);
                    assertArrayEquals(body, read, "1 MiB byte-exact from the kernel's server");
                } finally {
                    r.release();
                }
                c.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
            assertEquals(0, p.stop(), "packet slots still in use\n" + p.report());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }
}
