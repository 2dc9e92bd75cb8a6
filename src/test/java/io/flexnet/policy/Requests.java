// Request payloads in the policies' wire format, for the frames policy and socket tests send.
package io.flexnet.policy;

/** A {@link RequestHeader} of the given id, type, key and user, then {@code extra} zero bytes. */
public final class Requests {
    private Requests() {}

    public static byte[] request(long id, int type, int key, int user, int extra) {
        byte[] b = new byte[RequestHeader.LENGTH + extra];
        RequestHeader.write(b, 0, id, type, key, user);
        return b;
    }
}
