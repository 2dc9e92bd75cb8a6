package io.flexnet.app;

import io.flexnet.packet.Counters;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection: an incremental parser that works on the received bytes in place (indices
 * only, nothing allocated per request) and writes each response as its request completes, so
 * pipelined requests are answered in order.
 *
 * <ul>
 *   <li>GET or HEAD of {@code /} or {@code /bytes/N}: 200 with Content-Length (HEAD without the body).
 *   <li>Another method on those paths: 405 with {@code Allow: GET, HEAD}; any other path: 404. Both
 *       keep the connection.
 *   <li>A malformed request line or header, a missing or doubled Host in HTTP/1.1, a bad or
 *       conflicting Content-Length, a head over {@link Http#MAX_HEAD}: 400, then close (the stream
 *       cannot be framed past it).
 *   <li>Transfer-Encoding in a request: 501, then close (request bodies are skipped by Content-Length
 *       only).
 * </ul>
 *
 * HTTP/1.1 connections stay open unless the request says {@code Connection: close}; HTTP/1.0 ones
 * close unless it says {@code keep-alive}.
 */
final class HttpSession implements Session {
    private static final byte[] GET = ascii("GET"), HEAD = ascii("HEAD");
    private static final byte[] HTTP10 = ascii("HTTP/1.0"), HTTP11 = ascii("HTTP/1.1");
    private static final byte[] ROOT = ascii("/"), BYTES = ascii("/bytes/");
    private static final byte[] H_HOST = ascii("host"), H_LENGTH = ascii("content-length"),
            H_TE = ascii("transfer-encoding"), H_CONNECTION = ascii("connection");
    private static final byte[] T_CLOSE = ascii("close"), T_KEEP = ascii("keep-alive");
    private static final byte[] HELLO = ascii("Hello, world!\n");

    private static final byte[] S200 = ascii("HTTP/1.1 200 OK\r\n"), S400 = ascii("HTTP/1.1 400 Bad Request\r\n"),
            S404 = ascii("HTTP/1.1 404 Not Found\r\n"), S405 = ascii("HTTP/1.1 405 Method Not Allowed\r\n"),
            S501 = ascii("HTTP/1.1 501 Not Implemented\r\n"), S503 = ascii("HTTP/1.1 503 Service Unavailable\r\n");
    private static final byte[] SERVER = ascii("Server: flexnet\r\n"), TEXT = ascii("Content-Type: text/plain\r\n"),
            OCTETS = ascii("Content-Type: application/octet-stream\r\n"), ALLOW = ascii("Allow: GET, HEAD\r\n"),
            LENGTH = ascii("Content-Length: "), CLOSE = ascii("Connection: close\r\n"),
            KEEP = ascii("Connection: keep-alive\r\n"), CRLF = ascii("\r\n");
    private static final byte[] MSG400 = ascii("bad request\n"), MSG404 = ascii("not found\n"),
            MSG405 = ascii("method not allowed\n"), MSG501 = ascii("transfer-encoding not implemented\n"),
            MSG503 = ascii("too many connections\n");

    private final Counters counters;
    /** Request body bytes still to skip before the next request. */
    private long skip;
    private boolean closing;

    // The request being parsed (indices into the caller's buffer).
    private int methodOff, methodLen, pathOff, pathLen;
    private boolean http10, keepAliveAsked, closeAsked;
    private int hosts;
    private long contentLength;
    private boolean chunked;

    HttpSession(Counters counters) { this.counters = counters; }

    @Override
    public boolean closing() { return closing; }

    @Override
    public int onInput(byte[] in, int off, int len, Output out) {
        int pos = off;
        final int limit = off + len;
        while (pos < limit && !closing && !out.busy()) {
            if (skip > 0) {
                int k = (int) Math.min(skip, limit - pos);
                pos += k;
                skip -= k;
                continue;
            }
            int headEnd = headEnd(in, pos, limit);
            if (headEnd < 0) {
                if (limit - pos > Http.MAX_HEAD) {
                    fail(S400, MSG400, Http.BAD_REQUEST, out);
                    return len;
                }
                break;
            }
            if (headEnd - pos > Http.MAX_HEAD) {
                fail(S400, MSG400, Http.BAD_REQUEST, out);
                return len;
            }
            counters.inc(Http.REQUESTS);
            request(in, pos, headEnd, out);
            pos = headEnd;
        }
        return closing ? len : pos - off;
    }

    @Override
    public void onOverflow(int limit, Output out) { fail(S400, MSG400, Http.BAD_REQUEST, out); }

    @Override
    public void onRefused(Output out) {
        counters.inc(Http.REFUSED);
        respond(S503, TEXT, MSG503.length, false, true, out);
        out.put(MSG503);
        closing = true;
    }

    /** The index just past the blank line ending the head at {@code from}, or -1 while incomplete. */
    static int headEnd(byte[] in, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (in[i] != '\n') continue;
            int j = i + 1;
            if (j < limit && in[j] == '\r') j++;
            if (j < limit && in[j] == '\n') return j + 1;
        }
        return -1;
    }

    private void request(byte[] in, int from, int to, Output out) {
        if (!parse(in, from, to)) {
            fail(S400, MSG400, Http.BAD_REQUEST, out);
            return;
        }
        if (chunked) {
            fail(S501, MSG501, Http.NOT_IMPLEMENTED, out);
            return;
        }
        skip = contentLength;
        boolean keep = http10 ? keepAliveAsked && !closeAsked : !closeAsked;
        boolean get = same(in, methodOff, methodLen, GET), head = !get && same(in, methodOff, methodLen, HEAD);
        // The target without its query.
        int plen = pathLen;
        for (int i = 0; i < pathLen; i++) {
            if (in[pathOff + i] == '?') {
                plen = i;
                break;
            }
        }
        long bodyLength = -1;
        boolean hello = false;
        if (same(in, pathOff, plen, ROOT)) {
            hello = true;
        } else if (plen > BYTES.length && startsWith(in, pathOff, plen, BYTES)) {
            bodyLength = number(in, pathOff + BYTES.length, plen - BYTES.length);
            if (bodyLength < 0 || bodyLength > Http.MAX_BODY) bodyLength = -2;  // not a path we serve
        } else {
            bodyLength = -2;
        }
        if (bodyLength == -2) {
            counters.inc(Http.NOT_FOUND);
            small(S404, MSG404, keep, head, out);
        } else if (!get && !head) {
            counters.inc(Http.METHOD_NOT_ALLOWED);
            respond(S405, TEXT, MSG405.length, keep, http10, out);
            out.put(ALLOW);  // before the blank line: respond leaves the head open
            out.put(CRLF).put(MSG405);
        } else if (hello) {
            counters.inc(Http.OK);
            small(S200, HELLO, keep, head, out);
        } else {
            counters.inc(Http.OK);
            respond(S200, OCTETS, bodyLength, keep, http10, out);
            out.put(CRLF);
            if (!head) {
                counters.add(Http.BODY_BYTES, bodyLength);
                out.stream(bodyLength);
            }
        }
        if (!keep) closing = true;
    }

    private void small(byte[] status, byte[] body, boolean keep, boolean head, Output out) {
        respond(status, TEXT, body.length, keep, http10, out);
        out.put(CRLF);
        if (!head) out.put(body);
    }

    /** Status line and headers, without the blank line that ends them. */
    private static void respond(byte[] status, byte[] type, long length, boolean keep, boolean http10, Output out) {
        out.put(status).put(SERVER).put(type).put(LENGTH).putDecimal(length).put(CRLF);
        if (!keep) out.put(CLOSE);
        else if (http10) out.put(KEEP);
    }

    private void fail(byte[] status, byte[] body, int counter, Output out) {
        counters.inc(counter);
        respond(status, TEXT, body.length, false, false, out);
        out.put(CRLF).put(body);
        closing = true;
    }

    /** Parses the head in {@code in[from, to)} into the fields; false when it is malformed. */
    private boolean parse(byte[] in, int from, int to) {
        hosts = 0;
        contentLength = 0;
        chunked = keepAliveAsked = closeAsked = false;
        // Request line: method SP target SP version CRLF.
        int i = from;
        methodOff = i;
        while (i < to && tchar(in[i])) i++;
        methodLen = i - methodOff;
        if (methodLen == 0 || i >= to || in[i] != ' ') return false;
        pathOff = ++i;
        while (i < to && in[i] > ' ' && in[i] != 0x7F) i++;
        pathLen = i - pathOff;
        if (pathLen == 0 || in[pathOff] != '/' || i >= to || in[i] != ' ') return false;
        int v = ++i;
        int eol = lineEnd(in, i, to);
        if (eol < 0) return false;
        int vlen = eol - v;
        if (same(in, v, vlen, HTTP11)) http10 = false;
        else if (same(in, v, vlen, HTTP10)) http10 = true;
        else return false;
        i = next(in, eol);
        // Header fields until the blank line.
        while (i < to) {
            int end = lineEnd(in, i, to);
            if (end < 0) return false;
            if (end == i) break;  // the blank line
            if (!field(in, i, end)) return false;
            i = next(in, end);
        }
        return http10 || hosts == 1;
    }

    /** One {@code name: value} line in {@code in[from, to)}. */
    private boolean field(byte[] in, int from, int to) {
        int i = from;
        while (i < to && tchar(in[i])) i++;
        int nameLen = i - from;
        if (nameLen == 0 || i >= to || in[i] != ':') return false;  // also rejects obs-fold and space before ':'
        i++;
        while (i < to && (in[i] == ' ' || in[i] == '\t')) i++;
        int vEnd = to;
        while (vEnd > i && (in[vEnd - 1] == ' ' || in[vEnd - 1] == '\t')) vEnd--;
        for (int k = i; k < vEnd; k++) if (in[k] == 0 || in[k] == '\r' || in[k] == '\n') return false;
        if (sameIgnoreCase(in, from, nameLen, H_HOST)) {
            hosts++;
        } else if (sameIgnoreCase(in, from, nameLen, H_LENGTH)) {
            long n = number(in, i, vEnd - i);
            if (n < 0 || contentLength != 0 && n != contentLength) return false;
            contentLength = n;
        } else if (sameIgnoreCase(in, from, nameLen, H_TE)) {
            chunked = true;
        } else if (sameIgnoreCase(in, from, nameLen, H_CONNECTION)) {
            // A comma-separated list of tokens.
            int t = i;
            while (t < vEnd) {
                int e = t;
                while (e < vEnd && in[e] != ',') e++;
                int a = t, b = e;
                while (a < b && in[a] == ' ') a++;
                while (b > a && in[b - 1] == ' ') b--;
                if (sameIgnoreCase(in, a, b - a, T_CLOSE)) closeAsked = true;
                else if (sameIgnoreCase(in, a, b - a, T_KEEP)) keepAliveAsked = true;
                t = e + 1;
            }
        }
        return true;
    }

    /** Index of the CR (or bare LF) ending the line at {@code from}, or -1. */
    private static int lineEnd(byte[] in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in[i] == '\n') return i > from && in[i - 1] == '\r' ? i - 1 : i;
        }
        return -1;
    }

    /** The start of the line after the one ending at {@code eol}. */
    private static int next(byte[] in, int eol) { return in[eol] == '\r' ? eol + 2 : eol + 1; }

    /** A non-negative decimal of at most 18 digits, or -1. */
    static long number(byte[] in, int off, int len) {
        if (len == 0 || len > 18) return -1;
        long n = 0;
        for (int i = off; i < off + len; i++) {
            int d = in[i] - '0';
            if (d < 0 || d > 9) return -1;
            n = n * 10 + d;
        }
        return n;
    }

    /** RFC 9110 tchar. */
    private static boolean tchar(byte b) {
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') return true;
        return switch (b) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    static boolean same(byte[] in, int off, int len, byte[] word) {
        if (len != word.length) return false;
        for (int i = 0; i < len; i++) if (in[off + i] != word[i]) return false;
        return true;
    }

    private static boolean startsWith(byte[] in, int off, int len, byte[] word) {
        return len >= word.length && same(in, off, word.length, word);
    }

    /** {@code word} is lower case ASCII. */
    static boolean sameIgnoreCase(byte[] in, int off, int len, byte[] word) {
        if (len != word.length) return false;
        for (int i = 0; i < len; i++) {
            int b = in[off + i];
            if (b >= 'A' && b <= 'Z') b += 'a' - 'A';
            if (b != word[i]) return false;
        }
        return true;
    }

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }
}
