package io.flexnet.netty;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.FakeTransport;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Netty's hello-world HTTP server, unmodified but for its channel class, answers on the stack's sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public class NettyHelloWorldTest {
    /** Netty's hello-world server on {@code tcp}, port {@code port}, on {@code group}. */
    public static Channel serve(MultiThreadIoEventLoopGroup group, TcpSockets tcp, int port) throws InterruptedException {
        return HelloWorld.onStack(group, tcp, port);
    }

    @Test
    void twoRequestsOnOneConnectionAreAnsweredAndCloseEndsIt() throws Exception {
        TcpSockets tcp = new TcpSockets(new FakeTransport(4096), RealRuntime.INSTANCE);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(64, RealRuntime.INSTANCE));
        try {
            Channel server = serve(group, tcp, 80);
            TcpSocket c = tcp.open();
            c.connect(FakeTransport.LOCAL_IP, 80);
            byte[] req = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            c.write(req, 0, req.length);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = c.read(buf, 0, buf.length, TimeUnit.SECONDS.toNanos(30))) > 0; ) got.write(buf, 0, n);
            String one = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 11\r\n\r\nHello World";
            assertEquals(one + one, got.toString(StandardCharsets.US_ASCII));
            c.close();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
