package io.flexnet.ebpf;

/**
 * A program did at run time what the machine does not allow: an access outside its regions, a helper
 * it may not call, more instructions than its budget. A verified program never raises it; the
 * interpreter's checks exist for unverified code (the conformance suite, the verifier's fuzz test).
 */
public final class BpfFault extends RuntimeException {
    public BpfFault(String message) { super(message, null, false, false); }
}
