package io.flexnet.app;

import static io.flexnet.app.HttpSession.ascii;
import static io.flexnet.app.HttpSession.sameIgnoreCase;

import io.flexnet.packet.Counters;
import java.nio.charset.StandardCharsets;

/**
 * One RESP2 connection: an incremental parser of commands, both as arrays of bulk strings
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}, what clients send) and inline ({@code PING\r\n}, what a
 * person types), with the arguments left where they lie in the buffer (offsets only), and the
 * commands run in order, so a pipelined batch is answered in one pass.
 *
 * <p>A command error (unknown command, wrong arity, not an integer, store full) is an {@code -ERR}
 * reply and the connection goes on, as Redis does. A framing error (bad length, missing CRLF, a bulk
 * over {@link Resp#MAX_BULK}) is {@code -ERR Protocol error} and a close, since nothing after it can
 * be framed.
 */
final class RespSession implements Session {
    private static final byte[] PING = ascii("ping"), ECHO = ascii("echo"), GET = ascii("get"), SET = ascii("set"),
            DEL = ascii("del"), INCR = ascii("incr"), MGET = ascii("mget"), CONFIG = ascii("config"),
            COMMAND = ascii("command"), QUIT = ascii("quit");
    private static final byte[] GET_WORD = ascii("get"), SAVE = ascii("save"), APPENDONLY = ascii("appendonly"),
            SAVE_REPLY = ascii("*2\r\n$4\r\nsave\r\n$0\r\n\r\n"),
            APPENDONLY_REPLY = ascii("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
    private static final byte[] PONG = ascii("+PONG\r\n"), OK = ascii("+OK\r\n"), EMPTY = ascii("*0\r\n"),
            CRLF = ascii("\r\n");
    private static final byte[] NOT_INTEGER = ascii("-ERR value is not an integer or out of range\r\n"),
            FULL = ascii("-OOM command not allowed when used memory > 'maxmemory'.\r\n"),
            SYNTAX = ascii("-ERR syntax error\r\n"), REFUSED = ascii("-ERR max number of clients reached\r\n");

    private final RespStore store;
    private final Counters counters;
    private int[] argOff = new int[8], argLen = new int[8];
    private int argc;
    private boolean closing;

    RespSession(RespStore store, Counters counters) {
        this.store = store;
        this.counters = counters;
    }

    @Override
    public boolean closing() { return closing; }

    @Override
    public void onRefused(Output out) {
        counters.inc(Resp.REFUSED);
        out.put(REFUSED);
        closing = true;
    }

    @Override
    public void onOverflow(int limit, Output out) { protocolError("command longer than " + limit + " bytes", out); }

    @Override
    public int onInput(byte[] in, int off, int len, Output out) {
        int pos = off;
        final int limit = off + len;
        while (pos < limit && !closing && !out.busy()) {
            int next = in[pos] == '*' ? multibulk(in, pos, limit, out) : inline(in, pos, limit, out);
            if (next < 0) break;  // incomplete (or a protocol error, which set closing)
            pos = next;
            if (argc > 0) run(in, out);
        }
        return closing ? len : pos - off;
    }

    /** Parses {@code *N\r\n($len\r\nbytes\r\n){N}} at {@code pos}: the index past it, or -1. */
    private int multibulk(byte[] in, int pos, int limit, Output out) {
        argc = 0;
        int eol = crlf(in, pos + 1, limit);
        if (eol == -2) return protocolError("multibulk length not ended by CRLF", out);
        if (eol < 0) return tooLong(limit - pos, "unterminated multibulk length", out);
        long n = RespStore.parseLong(in, pos + 1, eol - pos - 1);
        if (n == RespStore.NOT_INTEGER || n > Resp.MAX_ARGS) return protocolError("invalid multibulk length", out);
        int p = eol + 2;
        if (n <= 0) return p;  // an empty command: nothing to run, as Redis
        room((int) n);
        for (int a = 0; a < n; a++) {
            if (p >= limit) return -1;
            if (in[p] != '$') return protocolError("expected '$', got '" + (char) (in[p] & 0xFF) + "'", out);
            int e = crlf(in, p + 1, limit);
            if (e == -2) return protocolError("bulk length not ended by CRLF", out);
            if (e < 0) return tooLong(limit - p, "unterminated bulk length", out);
            long blen = RespStore.parseLong(in, p + 1, e - p - 1);
            if (blen == RespStore.NOT_INTEGER || blen < 0 || blen > Resp.MAX_BULK) return protocolError("invalid bulk length", out);
            int data = e + 2;
            if ((long) data + blen + 2 > limit) return -1;
            if (in[data + (int) blen] != '\r' || in[data + (int) blen + 1] != '\n') {
                return protocolError("bulk string not followed by CRLF", out);
            }
            argOff[a] = data;
            argLen[a] = (int) blen;
            p = data + (int) blen + 2;
        }
        argc = (int) n;
        return p;
    }

    /** Parses one inline command line at {@code pos}, split at spaces: the index past it, or -1. */
    private int inline(byte[] in, int pos, int limit, Output out) {
        argc = 0;
        int nl = -1;
        for (int i = pos; i < limit; i++) {
            if (in[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) return tooLong(limit - pos, "too big inline request", out);
        int end = nl > pos && in[nl - 1] == '\r' ? nl - 1 : nl;
        int i = pos;
        while (i < end) {
            while (i < end && (in[i] == ' ' || in[i] == '\t')) i++;
            if (i == end) break;
            int s = i;
            while (i < end && in[i] != ' ' && in[i] != '\t') i++;
            room(argc + 1);
            argOff[argc] = s;
            argLen[argc] = i - s;
            argc++;
        }
        return nl + 1;
    }

    private int tooLong(int have, String what, Output out) {
        return have > 64 * 1024 ? protocolError(what, out) : -1;
    }

    private int protocolError(String what, Output out) {
        counters.inc(Resp.PROTOCOL_ERRORS);
        out.putAscii("-ERR Protocol error: " + what + "\r\n");
        closing = true;
        argc = 0;
        return -1;
    }

    /** Index of the first CR from {@code from} when LF follows it; -2 when something else does; -1 when not yet seen. */
    private static int crlf(byte[] in, int from, int limit) {
        for (int i = from; i + 1 < limit; i++) if (in[i] == '\r') return in[i + 1] == '\n' ? i : -2;
        return -1;
    }

    private void room(int n) {
        if (argOff.length >= n) return;
        int cap = Math.max(n, argOff.length * 2);
        argOff = java.util.Arrays.copyOf(argOff, cap);
        argLen = java.util.Arrays.copyOf(argLen, cap);
    }

    private void run(byte[] in, Output out) {
        counters.inc(Resp.COMMANDS);
        final int o0 = argOff[0], l0 = argLen[0];
        if (sameIgnoreCase(in, o0, l0, GET)) {
            if (arity(2, 2, in, out)) {
                if (store.getInto(in, argOff[1], argLen[1], out)) counters.inc(Resp.HITS);
                else counters.inc(Resp.MISSES);
            }
        } else if (sameIgnoreCase(in, o0, l0, SET)) {
            if (argc > 3) error(SYNTAX, out);
            else if (arity(3, 3, in, out)) {
                long r = store.set(in, argOff[1], argLen[1], in, argOff[2], argLen[2]);
                if (r == RespStore.FULL) error(FULL, out);
                else out.put(OK);
            }
        } else if (sameIgnoreCase(in, o0, l0, PING)) {
            if (arity(1, 2, in, out)) {
                if (argc == 1) out.put(PONG);
                else Resp.bulk(in, argOff[1], argLen[1], out);
            }
        } else if (sameIgnoreCase(in, o0, l0, INCR)) {
            if (arity(2, 2, in, out)) {
                long n = store.incr(in, argOff[1], argLen[1]);
                if (n == RespStore.NOT_INTEGER) error(NOT_INTEGER, out);
                else if (n == RespStore.FULL) error(FULL, out);
                else Resp.integer(n, out);
            }
        } else if (sameIgnoreCase(in, o0, l0, MGET)) {
            if (arity(2, Integer.MAX_VALUE, in, out)) {
                out.put((byte) '*').putDecimal(argc - 1).put(CRLF);
                for (int a = 1; a < argc; a++) {
                    if (store.getInto(in, argOff[a], argLen[a], out)) counters.inc(Resp.HITS);
                    else counters.inc(Resp.MISSES);
                }
            }
        } else if (sameIgnoreCase(in, o0, l0, DEL)) {
            if (arity(2, Integer.MAX_VALUE, in, out)) {
                int n = 0;
                for (int a = 1; a < argc; a++) if (store.delete(in, argOff[a], argLen[a])) n++;
                Resp.integer(n, out);
            }
        } else if (sameIgnoreCase(in, o0, l0, ECHO)) {
            if (arity(2, 2, in, out)) Resp.bulk(in, argOff[1], argLen[1], out);
        } else if (sameIgnoreCase(in, o0, l0, CONFIG)) {
            config(in, out);
        } else if (sameIgnoreCase(in, o0, l0, COMMAND)) {
            out.put(EMPTY);  // no command table to show
        } else if (sameIgnoreCase(in, o0, l0, QUIT)) {
            out.put(OK);
            closing = true;
        } else {
            counters.inc(Resp.ERRORS);
            out.putAscii("-ERR unknown command '" + text(in, o0, l0) + "'\r\n");
        }
        argc = 0;
    }

    /**
     * CONFIG GET of the two settings redis-benchmark asks for at start ({@code save}: none,
     * {@code appendonly}: no), as name/value pairs; nothing else is a setting here.
     */
    private void config(byte[] in, Output out) {
        if (argc == 3 && sameIgnoreCase(in, argOff[1], argLen[1], GET_WORD)) {
            if (sameIgnoreCase(in, argOff[2], argLen[2], SAVE)) {
                out.put(SAVE_REPLY);
                return;
            }
            if (sameIgnoreCase(in, argOff[2], argLen[2], APPENDONLY)) {
                out.put(APPENDONLY_REPLY);
                return;
            }
        }
        out.put(EMPTY);
    }

    private boolean arity(int min, int max, byte[] in, Output out) {
        if (argc >= min && argc <= max) return true;
        counters.inc(Resp.ERRORS);
        out.putAscii("-ERR wrong number of arguments for '" + text(in, argOff[0], argLen[0]).toLowerCase(java.util.Locale.ROOT)
                + "' command\r\n");
        return false;
    }

    private void error(byte[] reply, Output out) {
        counters.inc(Resp.ERRORS);
        out.put(reply);
    }

    private static String text(byte[] in, int off, int len) {
        return new String(in, off, Math.min(len, 64), StandardCharsets.US_ASCII);
    }
}
