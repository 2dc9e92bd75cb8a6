package io.flexnet.app;

import io.flexnet.packet.Counters;

/**
 * The HTTP/1.1 server (RFC 9112) as a {@link Protocol}: GET and HEAD of {@code /} (a short greeting)
 * and of {@code /bytes/N} (N bytes of {@link Bodies generated body}, any size), with keep-alive and
 * pipelining. See {@link HttpSession} for what it answers to what.
 */
public final class Http implements Protocol {
    /** Longest request head (request line and headers) taken; longer is answered 400 and closed. */
    public static final int MAX_HEAD = 8 * 1024;
    /** Largest body {@code /bytes/N} serves: 1 TiB, far past any test, short of overflow. */
    public static final long MAX_BODY = 1L << 40;

    static final int REQUESTS = 0, OK = 1, BAD_REQUEST = 2, NOT_FOUND = 3, METHOD_NOT_ALLOWED = 4,
            NOT_IMPLEMENTED = 5, REFUSED = 6, BODY_BYTES = 7;

    private final Counters counters = new Counters("http", "requests", "200", "400", "404", "405", "501",
            "503-refused", "body-bytes");

    @Override
    public String name() { return "http"; }

    @Override
    public Session open() { return new HttpSession(counters); }

    @Override
    public Counters counters() { return counters; }
}
