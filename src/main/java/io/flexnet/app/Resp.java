package io.flexnet.app;

import io.flexnet.packet.Counters;

/**
 * The Redis-protocol server (RESP2) as a {@link Protocol}: PING, ECHO, GET, SET, DEL, INCR, MGET on
 * one bounded {@link RespStore} shared by all connections, plus the few commands clients send on their
 * own (CONFIG GET, COMMAND, QUIT). See {@link RespSession}.
 */
public final class Resp implements Protocol {
    /** Most arguments in one command. */
    public static final int MAX_ARGS = 1 << 16;
    /** Longest bulk string taken, and so the longest command a connection buffers. */
    public static final int MAX_BULK = 1 << 20;
    /** The transport's input limit for RESP: one command of the longest bulk strings and its framing. */
    public static final int MAX_INPUT = 4 * MAX_BULK;

    static final byte[] NULL_BULK = HttpSession.ascii("$-1\r\n");
    private static final byte[] CRLF = HttpSession.ascii("\r\n");

    static final int COMMANDS = 0, ERRORS = 1, PROTOCOL_ERRORS = 2, REFUSED = 3, HITS = 4, MISSES = 5;

    private final RespStore store;
    private final Counters counters = new Counters("resp", "commands", "errors", "protocol-errors", "refused",
            "hits", "misses");

    public Resp(RespStore store) { this.store = store; }

    /** A store of at most 1 M keys and 256 MiB. */
    public Resp() { this(new RespStore(1 << 20, 256L << 20)); }

    public RespStore store() { return store; }

    @Override
    public String name() { return "resp"; }

    @Override
    public Session open() { return new RespSession(store, counters); }

    @Override
    public Counters counters() { return counters; }

    /** {@code $len\r\nbytes\r\n}. */
    static void bulk(byte[] b, int off, int len, Output out) {
        out.put((byte) '$').putDecimal(len).put(CRLF).put(b, off, len).put(CRLF);
    }

    /** {@code :n\r\n}. */
    static void integer(long n, Output out) { out.put((byte) ':').putDecimal(n).put(CRLF); }
}
