// Netty's hello-world HTTP server on the stack over a TAP, answering curl in a namespace.
package io.flexnet.serve;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.netty.NettyHelloWorldTest;
import io.flexnet.netty.StreamIoHandler;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import io.flexnet.runtime.RealRuntime;
import io.netty.channel.Channel;
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
}
