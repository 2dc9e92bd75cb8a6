package io.flexnet.app;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.Await;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.FakeTransport;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSockets;
import io.flexnet.sched.LateExecutors;
import io.flexnet.sched.SleepUntilKicked;
import io.flexnet.sched.Worker;
import java.util.List;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both transports carry the same sessions: the stack's stream sockets (on an in-memory transport
 * here; over a TAP in ServeAppsCommandTest) and the kernel's TCP on loopback through NIO.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AppServersTest {
    static final String GET = "GET /bytes/200000 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    static String expected() {
        byte[] body = new byte[200_000];
        Bodies.fill(body, 0, body.length, 0);
        return "HTTP/1.1 200 OK\r\nServer: flexnet\r\nContent-Type: application/octet-stream\r\nContent-Length: 200000\r\n\r\n"
                + new String(body, StandardCharsets.ISO_8859_1)
                + "HTTP/1.1 200 OK\r\nServer: flexnet\r\nContent-Type: text/plain\r\nContent-Length: 14\r\nConnection: close\r\n\r\n"
                + "Hello, world!\n";
    }

    @Test
    void onTheStacksSocketsPipelinedRequestsAreAnsweredAndTheLimitRefusesPolitely() throws Exception {
        serveAndCheck(null);
    }

    @Test
    void runToCompletionOnASleepingWorkerTheSameRequestsGetTheSameAnswers() throws Exception {
        LateExecutors apps = new LateExecutors();
        // The worker is made before the server exists, as a stack's poller is; sockets that change kick it.
        Worker w = new Worker("w0", 0, RealRuntime.INSTANCE, new SleepUntilKicked(), List.of(apps));
        w.start();
        try {
            serveAndCheck(apps);
        } finally {
            w.stop(1000);
        }
        assertTrue(w.busyNanos() > 0, "the worker did the serving");
    }

    /** The server on a thread of its own, or on the worker running {@code apps}; the same checks. */
    static void serveAndCheck(LateExecutors apps) throws Exception {
        TcpSockets tcp = new TcpSockets(new FakeTransport(4096), RealRuntime.INSTANCE);
        StackAppServer server = new StackAppServer(new Http(), tcp, RealRuntime.INSTANCE, 80, 2, 2 * Http.MAX_HEAD);
        if (apps == null) server.start();
        else server.startOn(apps);
        try {
            TcpSocket a = tcp.open(), b = tcp.open(), c = tcp.open();
            a.connect(FakeTransport.LOCAL_IP, 80);
            b.connect(FakeTransport.LOCAL_IP, 80);
            Await.until(Duration.ofSeconds(20), () -> server.open() == 2, () -> server.counters().toString());
            c.connect(FakeTransport.LOCAL_IP, 80);
            assertTrue(readAll(c).startsWith("HTTP/1.1 503 Service Unavailable\r\n"), "the third of two is refused");
            byte[] req = GET.getBytes(StandardCharsets.ISO_8859_1);
            a.write(req, 0, req.length);
            assertEquals(expected(), readAll(a));
            b.close();
            Await.until(Duration.ofSeconds(20), () -> server.open() == 0, () -> server.counters().toString());
        } finally {
            server.stop();
        }
        assertNull(server.failure());
        assertEquals(3, server.counters().get("accepted"));
        assertEquals(1, server.counters().get("refused"));
        assertEquals(1, server.counters().get("closed"), "a asked to close");
        assertEquals(1, server.counters().get("peer-closed"), "b closed first");
        assertEquals(1, server.protocol().counters().get("503-refused"));
    }

    @Test
    void onTheKernelsTcpTheSameSessionsAnswerTheSame() throws Exception {
        NioAppServer http = new NioAppServer(new Http(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RealRuntime.INSTANCE, 1);
        NioAppServer resp = new NioAppServer(new Resp(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RealRuntime.INSTANCE, 4);
        http.start();
        resp.start();
        try {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), http.port())) {
                s.getOutputStream().write(GET.getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(expected(), readAll(s.getInputStream()));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), http.port());
                 Socket over = new Socket(InetAddress.getLoopbackAddress(), http.port())) {
                assertTrue(readAll(over.getInputStream()).startsWith("HTTP/1.1 503 "), "past the limit of one");
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), resp.port())) {
                OutputStream o = s.getOutputStream();
                o.write((RespSessionTest.cmd("SET", "k", "v") + RespSessionTest.cmd("GET", "k") + "QUIT\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("+OK\r\n$1\r\nv\r\n+OK\r\n", readAll(s.getInputStream()));
            }
        } finally {
            http.stop();
            resp.stop();
        }
        assertNull(http.failure());
        assertNull(resp.failure());
        assertEquals(1, http.counters().get("refused"));
    }

    static String readAll(TcpSocket c) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = c.read(buf, 0, buf.length)) != TcpSocket.EOF; ) all.write(buf, 0, n);
        c.close();
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    static String readAll(InputStream in) throws java.io.IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
