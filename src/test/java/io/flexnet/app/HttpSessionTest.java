package io.flexnet.app;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpSessionTest {
    final Http http = new Http();

    String serve(String request, int piece) throws Exception {
        Wire w = new Wire(Wire.ascii(request), piece, 7);
        w.run(http.open());
        return w.text();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17, 4096})
    void pipelinedRequestsAreAnsweredInOrderWhateverTheCuts(int piece) throws Exception {
        String req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
                + "HEAD /bytes/5 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /bytes/3?x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: a\r\n\r\n";  // after close: not answered
        String out = serve(req, piece);
        byte[] three = new byte[3];
        Bodies.fill(three, 0, 3, 0);
        String expected = "HTTP/1.1 200 OK\r\nServer: flexnet\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, world!\n"
                + "HTTP/1.1 200 OK\r\nServer: flexnet\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nServer: flexnet\r\nContent-Type: application/octet-stream\r\nContent-Length: 3\r\n"
                + "Connection: close\r\n\r\n" + new String(three, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(expected, out);
        assertEquals(3, http.counters().get("200"));
    }

    @Test
    void aLargeBodyIsStreamedByteExact() throws Exception {
        int n = 3_000_000;
        Wire w = new Wire(Wire.ascii("GET /bytes/" + n + " HTTP/1.1\r\nHost: x\r\n\r\nGET /bytes/1 HTTP/1.1\r\nHost: x\r\n\r\n"), 5, 100_000);
        assertEquals(Exchange.EOF, w.run(http.open()));
        byte[] all = w.sent.toByteArray();
        String head = "HTTP/1.1 200 OK\r\nServer: flexnet\r\nContent-Type: application/octet-stream\r\nContent-Length: " + n + "\r\n\r\n";
        byte[] body = Arrays.copyOfRange(all, head.length(), head.length() + n);
        byte[] expected = new byte[n];
        Bodies.fill(expected, 0, n, 0);
        assertArrayEquals(expected, body);
        String rest = new String(all, head.length() + n, all.length - head.length() - n, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(rest.startsWith("HTTP/1.1 200 OK\r\n") && rest.endsWith("\r\n\r\n" + (char) (Bodies.byteAt(0) & 0xFF)), rest);
    }

    @Test
    void wrongPathIs404AndWrongMethodIs405AndTheConnectionGoesOn() throws Exception {
        String out = serve("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"
                + "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 9);
        assertTrue(out.startsWith("HTTP/1.1 404 Not Found\r\n"), out);
        assertTrue(out.contains("HTTP/1.1 405 Method Not Allowed\r\n"), out);
        assertTrue(out.contains("Allow: GET, HEAD\r\n"), out);
        assertTrue(out.endsWith("Hello, world!\n"), "the request after the POST body is answered: " + out);
        assertEquals(1, http.counters().get("404"));
        assertEquals(1, http.counters().get("405"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET / HTTP/1.1\r\n\r\n",                                  // no Host
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",            // two Hosts
            "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
            "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /\r\nHost: a\r\n\r\n",
            "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET nopath HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost : a\r\n\r\n",                      // space before colon
            "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",            // obs-fold
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "\u0000\u0001garbage\r\n\r\n"})
    void malformedRequestsGet400AndAClose(String req) throws Exception {
        Wire w = new Wire(Wire.ascii(req + "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 4096, 4096);
        assertEquals(Exchange.CLOSE, w.run(http.open()));
        String out = w.text();
        assertTrue(out.startsWith("HTTP/1.1 400 Bad Request\r\n"), out);
        assertTrue(out.contains("Connection: close\r\n"), out);
        assertEquals(1, out.split("HTTP/1.1 ").length - 1, "nothing answered after it: " + out);
    }

    @Test
    void transferEncodingIs501() throws Exception {
        String out = serve("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 4096);
        assertTrue(out.startsWith("HTTP/1.1 501 Not Implemented\r\n"), out);
    }

    @Test
    void anEndlessHeadIs400() throws Exception {
        String req = "GET / HTTP/1.1\r\nHost: a\r\nX: " + "y".repeat(20_000) + "\r\n\r\n";
        Wire w = new Wire(Wire.ascii(req), 1000, 4096);
        assertEquals(Exchange.CLOSE, w.run(http.open()));
        assertTrue(w.text().startsWith("HTTP/1.1 400 Bad Request\r\n"), w.text());
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws Exception {
        Wire w = new Wire(Wire.ascii("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n"), 4096, 4096);
        assertEquals(Exchange.CLOSE, w.run(http.open()));
        assertEquals(1, w.text().split("HTTP/1.1 200").length - 1, w.text());
        String out = serve("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /bytes/0 HTTP/1.0\r\n\r\n", 4096);
        assertTrue(out.contains("Connection: keep-alive\r\n"), out);
        assertEquals(2, out.split("HTTP/1.1 200").length - 1, out);
    }

    @Test
    void bareLineFeedsAreAccepted() throws Exception {
        assertTrue(serve("GET / HTTP/1.1\nHost: a\n\n", 3).endsWith("Hello, world!\n"));
    }

    @Test
    void theRefusalIs503() {
        Session s = http.open();
        Output o = new Output();
        s.onRefused(o);
        assertTrue(s.closing());
        String text = new String(o.pendingArray(), o.pendingOffset(), o.pendingLength(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 503 "), text);
    }

    @Test
    void bodiesDoNotRepeatWithAShortPeriod() {
        for (int period : new int[] {1, 2, 26, 256, 1460, 4096, 65536, 1 << 20}) {
            int same = 0;
            for (long i = 0; i < 100_000; i++) if (Bodies.byteAt(i) == Bodies.byteAt(i + period)) same++;
            assertTrue(same < 50_000, "period " + period + ": " + same + " equal bytes of 100000");
        }
    }
}
