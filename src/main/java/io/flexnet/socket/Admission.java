// Asked when a socket takes a local port: may this owner hold it, with these resources?
package io.flexnet.socket;

/**
 * The seam between sockets and whoever keeps owners and per-tenant limits (the interposition layer's
 * owner table). Every socket asks it when it binds (UDP), listens, connects or is accepted (TCP), with
 * the packet slots and buffered bytes it may come to hold, and tells it when it lets go. A refusal is
 * an exception whose message the application sees as the reason its call failed.
 *
 * <pre>{@code
 * sockets.admission(owners.admission());                 // owners: io.flexnet.interpose.OwnerTable
 * UdpSocket s = sockets.open().owner(new SocketOwner("pg", "postgres", "postgres")).bind(5432);
 * }</pre>
 */
public interface Admission {
    int UDP = 17, TCP = 6;

    /**
     * Admits {@code socket} (the socket object itself: its identity is the key) of {@code owner} on local {@code port}, holding at most
     * {@code slots} packet slots in its receive queue and {@code bytes} bytes in its buffers.
     *
     * @throws IllegalStateException naming the reason, when the owner may not
     */
    void admit(int protocol, int port, Object socket, SocketOwner owner, int slots, long bytes);

    /** {@code socket} let go of {@code port}: its resources go back to its tenant. */
    void release(int protocol, int port, Object socket);

    /** Admits everything and keeps nothing: sockets without interposition. */
    Admission OPEN = new Admission() {
        @Override public void admit(int protocol, int port, Object socket, SocketOwner owner, int slots, long bytes) { }
        @Override public void release(int protocol, int port, Object socket) { }
    };
}
