package io.flexnet.app;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RespSessionTest {
    final Resp resp = new Resp(new RespStore(1000, 1 << 20));

    static String cmd(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        return sb.toString();
    }

    String serve(String input, int piece) throws Exception {
        Wire w = new Wire(Wire.ascii(input), piece, 5);
        w.run(resp.open());
        return w.text();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 4096})
    void everyCommandAnswersAsRedisDoesWhateverTheCuts(int piece) throws Exception {
        String in = cmd("PING") + cmd("ping", "hi") + cmd("ECHO", "x y") + cmd("SET", "k", "v1") + cmd("GET", "k")
                + cmd("GET", "missing") + cmd("INCR", "n") + cmd("incr", "n") + cmd("INCR", "k")
                + cmd("MGET", "k", "missing", "n") + cmd("DEL", "k", "n", "missing") + cmd("GET", "k")
                + "PING\r\n" + "set a  b\r\n" + "GET a\n";
        String out = serve(in, piece);
        assertEquals("+PONG\r\n$2\r\nhi\r\n$3\r\nx y\r\n+OK\r\n$2\r\nv1\r\n$-1\r\n:1\r\n:2\r\n"
                + "-ERR value is not an integer or out of range\r\n*3\r\n$2\r\nv1\r\n$-1\r\n$1\r\n2\r\n:2\r\n$-1\r\n"
                + "+PONG\r\n+OK\r\n$1\r\nb\r\n", out);
        assertEquals(15, resp.counters().get("commands"));
    }

    @Test
    void commandErrorsKeepTheConnection() throws Exception {
        String out = serve(cmd("FLUSHALL") + cmd("GET") + cmd("SET", "a", "b", "EX", "10") + cmd("PING"), 4096);
        assertEquals("-ERR unknown command 'FLUSHALL'\r\n-ERR wrong number of arguments for 'get' command\r\n"
                + "-ERR syntax error\r\n+PONG\r\n", out);
        assertEquals(3, resp.counters().get("errors"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*x\r\n", "*1\r\n+PING\r\n", "*1\r\n$4\r\nPINGXX", "*1\r\n$-4\r\nPING\r\n", "*1\r\n$4\rPING\r\n",
            "*1\r\n$99999999\r\n"})
    void framingErrorsCloseWithAProtocolError(String bad) throws Exception {
        Wire w = new Wire(Wire.ascii(cmd("PING") + bad + cmd("PING")), 4096, 4096);
        assertEquals(Exchange.CLOSE, w.run(resp.open()));
        assertTrue(w.text().startsWith("+PONG\r\n-ERR Protocol error: "), w.text());
        assertEquals(1, resp.counters().get("protocol-errors"));
        assertFalse(w.text().endsWith("+PONG\r\n"));
    }

    @Test
    void aCommandLongerThanTheLimitIsRefused() throws Exception {
        String big = "x".repeat(Resp.MAX_BULK);
        Wire w = new Wire(Wire.ascii(cmd("SET", "a", big, big, big, big)), 65536, 65536);
        assertEquals(Exchange.CLOSE, w.run(resp.open()));
        assertTrue(w.text().startsWith("-ERR Protocol error: command longer than"), w.text());
    }

    @Test
    void aBigValueGoesAndComesBack() throws Exception {
        String big = "v".repeat(300_000);
        String out = serve(cmd("SET", "b", big) + cmd("GET", "b"), 1000);
        assertEquals("+OK\r\n$300000\r\n" + big + "\r\n", out);
    }

    @Test
    void aFullStoreSaysOom() throws Exception {
        Resp small = new Resp(new RespStore(2, 1000));
        Wire w = new Wire(Wire.ascii(cmd("SET", "a", "1") + cmd("SET", "b", "2") + cmd("SET", "c", "3") + cmd("SET", "a", "9")
                + cmd("INCR", "z")), 4096, 4096);
        w.run(small.open());
        assertEquals("+OK\r\n+OK\r\n-OOM command not allowed when used memory > 'maxmemory'.\r\n+OK\r\n"
                + "-OOM command not allowed when used memory > 'maxmemory'.\r\n", w.text());
    }

    @Test
    void configGetAnswersWhatRedisBenchmarkAsks() throws Exception {
        assertEquals("*2\r\n$4\r\nsave\r\n$0\r\n\r\n*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n*0\r\n",
                serve(cmd("CONFIG", "GET", "save") + cmd("config", "get", "appendonly") + cmd("CONFIG", "GET", "maxmemory"), 3));
    }

    @Test
    void emptyCommandsAndLinesAreSkipped() throws Exception {
        assertEquals("+PONG\r\n", serve("*0\r\n\r\n" + cmd("PING"), 4096));
    }
}
