package io.flexnet.proto;

/**
 * The fixed sequence of layer positions, in protocol order. Receive layers run top-down from L2 to the
 * socket; send layers run from the socket down to L2. The pipeline verifier uses the ordinals.
 */
public enum LayerKind {
    ETH_RCV("eth_rcv", true),
    IP_RCV("ip_rcv", true),
    L4_RCV("l4_rcv", true),
    SOCKET_RCV("socket_rcv", true),
    SOCKET_SEND("socket_send", false),
    L4_SEND("l4_send", false),
    IP_SEND("ip_send", false),
    ETH_SEND("eth_send", false);

    private final String label;
    private final boolean receive;

    LayerKind(String label, boolean receive) {
        this.label = label;
        this.receive = receive;
    }

    public String label() { return label; }

    public boolean receive() { return receive; }
}
