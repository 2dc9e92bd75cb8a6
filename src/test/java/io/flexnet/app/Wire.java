// Test fixture: drives a Session as a transport would, with the input cut into pieces.
package io.flexnet.app;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Feeds a session bytes in pieces of a chosen size through an {@link Exchange}, collecting all it sends. */
final class Wire implements ByteStream {
    private final byte[] input;
    private final int piece, writeLimit;
    private int at;
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    /** {@code piece}: most bytes per read; {@code writeLimit}: most bytes taken per write. */
    Wire(byte[] input, int piece, int writeLimit) {
        this.input = input;
        this.piece = piece;
        this.writeLimit = writeLimit;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (at == input.length) return -1;
        int n = Math.min(Math.min(len, piece), input.length - at);
        System.arraycopy(input, at, b, off, n);
        at += n;
        return n;
    }

    @Override
    public int write(byte[] b, int off, int len) {
        int n = Math.min(len, writeLimit);
        sent.write(b, off, n);
        return n;
    }

    /** Runs the session over the whole input; the result of the last pump. */
    int run(Session s) throws Exception {
        Exchange x = new Exchange(s, 64, StackAppServer.maxInput(s instanceof RespSession ? new Resp() : new Http()));
        int r;
        do r = x.pump(this); while (r == Exchange.WAIT_READ || r == Exchange.WAIT_WRITE);
        return r;
    }

    String text() { return sent.toString(StandardCharsets.ISO_8859_1); }

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }
}
