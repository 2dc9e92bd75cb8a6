package io.flexnet.netty;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.FakeTransport;
import io.flexnet.socket.RecvMode;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Netty's event loop runs on the stack's poller: tasks, timers, and a listening socket's readiness. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamIoHandlerTest {

    @Test
    void tasksFromOtherThreadsAndScheduledTasksRunWhileThePollerWaits() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(8, RealRuntime.INSTANCE));
        try {
            // The loop is parked in the poller with no sockets: only wakeup() lets the task run.
            assertEquals("ran", group.submit(() -> "ran").get(30, TimeUnit.SECONDS));
            assertEquals("later", group.schedule(() -> "later", 20, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aRegisteredListenerIsHandedToItsHandleOnTheLoopThreadWhenAConnectionWaits() throws Exception {
        TcpSockets tcp = new TcpSockets(new FakeTransport(4096), RealRuntime.INSTANCE);
        TcpListenSocket listener = tcp.openListener().mode(RecvMode.NON_BLOCKING).listen(80, 8);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(8, RealRuntime.INSTANCE));
        IoEventLoop loop = (IoEventLoop) group.next();
        CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
        StreamHandle handle = new StreamHandle() {
            @Override
            public Object socket() { return listener; }

            @Override
            public void handle(IoRegistration registration, IoEvent event) {
                assertTrue(loop.inEventLoop(), "handled on the event loop's thread");
                assertSame(StreamReady.READY, event);
                TcpSocket c = listener.accept(0);
                if (c != null) accepted.complete(c);
            }

            @Override
            public void close() { listener.close(); }
        };
        try {
            IoRegistration reg = loop.register(handle).get(30, TimeUnit.SECONDS);
            assertTrue(reg.isValid());
            TcpSocket client = tcp.open();
            client.connect(FakeTransport.LOCAL_IP, 80);
            TcpSocket server = accepted.get(30, TimeUnit.SECONDS);
            assertEquals(80, server.localPort());
            assertTrue(loop.submit(reg::cancel).get(30, TimeUnit.SECONDS));
            assertFalse(reg.isValid());
            client.close();
            server.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            listener.close();
        }
    }
}
