// A classic BPF program ready to run on a frame: interpreted or compiled, the same contract.
package io.flexnet.interpose;

import java.lang.foreign.MemorySegment;

/** Runs a checked program over {@code len} bytes at {@code off}: bytes to keep, 0 to reject. */
interface BpfCode {
    int run(MemorySegment s, long off, int len);
}
