package io.flexnet.ebpf;

/** An object file refused before anything in it ran; the message names what is wrong and where. */
public class BpfLoadException extends Exception {
    public BpfLoadException(String message) { super(message); }
}
