package io.flexnet.netty;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.proto.tcp.TcpException;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.FakeTransport;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stream channel's edges: reads that find nothing take no buffer; a failed write closes the channel. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamChannelTest {
    /** Counts the heap buffers the channel asks for. */
    static final class CountingAllocator extends AbstractByteBufAllocator {
        final AtomicLong heapBuffers = new AtomicLong();

        CountingAllocator() { super(false); }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            heapBuffers.incrementAndGet();
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() { return false; }
    }

    private static Channel serve(MultiThreadIoEventLoopGroup group, TcpSockets tcp, CountingAllocator alloc,
                                 CompletableFuture<Channel> child) throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(() -> new StreamServerChannel(tcp))
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                                child.complete(ctx.channel());
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { }
                        });
                    }
                }).bind(80).sync().channel();
    }

    @Test
    void wakeUpsWithNothingToReadTakeNoBuffer() throws Exception {
        TcpSockets tcp = new TcpSockets(new FakeTransport(4096), RealRuntime.INSTANCE);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(64, RealRuntime.INSTANCE));
        CountingAllocator alloc = new CountingAllocator();
        CompletableFuture<Channel> child = new CompletableFuture<>();
        try {
            Channel server = serve(group, tcp, alloc, child);
            TcpSocket c = tcp.open();
            c.connect(FakeTransport.LOCAL_IP, 80);
            c.write(new byte[] {1}, 0, 1);
            StreamChannel ch = (StreamChannel) child.get(30, TimeUnit.SECONDS);
            long before = ch.eventLoop().submit(alloc.heapBuffers::get).get();
            long after = ch.eventLoop().submit(() -> {
                for (int i = 0; i < 10_000; i++) ch.doBeginRead();  // what each socket wake-up runs
                return alloc.heapBuffers.get();
            }).get();
            assertEquals(before, after, "buffers taken by 10,000 reads that found nothing");
            c.write(new byte[] {2}, 0, 1);  // data still reaches the pipeline in a buffer
            for (int i = 0; i < 3000 && alloc.heapBuffers.get() == after; i++) Thread.sleep(10);
            assertEquals(after + 1, alloc.heapBuffers.get());
            c.close();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aWriteToAResetConnectionClosesTheChannel() throws Exception {
        TcpSockets tcp = new TcpSockets(new FakeTransport(4096), RealRuntime.INSTANCE);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, StreamIoHandler.factory(64, RealRuntime.INSTANCE));
        CompletableFuture<Channel> child = new CompletableFuture<>();
        try {
            Channel server = serve(group, tcp, new CountingAllocator(), child);
            TcpSocket c = tcp.open();
            c.connect(FakeTransport.LOCAL_IP, 80);
            c.write(new byte[] {1}, 0, 1);
            Channel ch = child.get(30, TimeUnit.SECONDS);
            // The peer resets, and the write comes before the loop hears of it (both in one loop task).
            ChannelFuture w = ch.eventLoop().submit(() -> {
                c.abort();
                return ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42}));
            }).get().await();
            assertFalse(w.isSuccess(), "a write to a reset connection fails");
            // Netty closes a channel whose write throws an IOException; anything else it takes for a
            // half-close of our output (ChannelOutputShutdownException) and leaves the channel to the read side.
            assertFalse(w.cause() instanceof io.netty.channel.socket.ChannelOutputShutdownException, w.cause().toString());
            assertInstanceOf(IOException.class, w.cause());
            assertInstanceOf(TcpException.class, w.cause().getCause());
            assertTrue(ch.closeFuture().await(30, TimeUnit.SECONDS), "and the channel closes");
            assertFalse(ch.isOpen());
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
