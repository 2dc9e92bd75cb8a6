package io.flexnet.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A steady stream of requests through an {@link Exchange} allocates nothing per request. */
class SessionAllocationTest {
    /** Hands the same request bytes over and over, and takes whatever is written. */
    static final class Loop implements ByteStream {
        final byte[] request;
        long written;

        Loop(String request) { this.request = request.getBytes(StandardCharsets.ISO_8859_1); }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len < request.length) return 0;
            System.arraycopy(request, 0, b, off, request.length);
            return request.length;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            written += len;
            return len;
        }
    }

    /** Gives the loop's bytes once per {@link #reset}, then nothing: one pump answers one batch. */
    static final class OneShot implements ByteStream {
        final Loop loop;
        boolean given;

        OneShot(Loop loop) { this.loop = loop; }

        OneShot reset() {
            given = false;
            return this;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (given) return 0;
            given = true;
            return loop.read(b, off, len);
        }

        @Override
        public int write(byte[] b, int off, int len) { return loop.write(b, off, len); }
    }

    @Test
    void pipelinedHttpGetsAllocateNothing() throws Exception {
        String get = "GET /bytes/100 HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n";
        Loop loop = new Loop(get.repeat(8));
        assertEquals(0, allocatedWith(new Http().open(), loop, 2 * Http.MAX_HEAD));
    }

    @Test
    void respGetSetIncrMgetAllocateNothing() throws Exception {
        Resp resp = new Resp();
        String batch = RespSessionTest.cmd("SET", "key:1", "xxx") + RespSessionTest.cmd("GET", "key:1")
                + RespSessionTest.cmd("INCR", "counter") + RespSessionTest.cmd("MGET", "key:1", "counter", "none")
                + RespSessionTest.cmd("PING");
        Loop loop = new Loop(batch.repeat(16));
        assertEquals(0, allocatedWith(resp.open(), loop, Resp.MAX_INPUT));
    }

    private static long allocatedWith(Session s, Loop loop, int maxInput) throws Exception {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported());
        Exchange x = new Exchange(s, 16 * 1024, maxInput);
        OneShot one = new OneShot(loop);
        for (int i = 0; i < 50_000; i++) x.pump(one.reset());
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        long wrote = loop.written;
        for (int i = 0; i < 50_000; i++) x.pump(one.reset());
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        if (loop.written == wrote) throw new AssertionError("nothing was answered");
        return allocated / 50_000;
    }
}
