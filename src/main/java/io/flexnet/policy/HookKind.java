package io.flexnet.policy;

/**
 * The places a matching policy can run, and which port decides the input's tenant there. Receive
 * hooks go by destination port (the port the tenant's socket is bound to), the transmit queue hook by
 * source port (the port the tenant sends from).
 */
public enum HookKind {
    /** Choice of NIC receive queue, before any layer ran: the tuple is parsed from the frame. */
    NIC_RX_QUEUE("nic-rx-queue", false),
    /** A {@code queue()} point of a receive pipeline: parsed from the frame until the transport layer ran. */
    RX_QUEUE("rx-queue", false),
    /** A {@code queue()} point of a transmit pipeline: the tuple is the socket's, in the packet's fields. */
    TX_QUEUE("tx-queue", true),
    /** Choice of socket in a port group, after the transport layer. */
    SOCKET("socket", false);

    private final String label;
    final boolean bySource;

    HookKind(String label, boolean bySource) {
        this.label = label;
        this.bySource = bySource;
    }

    public String label() { return label; }
}
