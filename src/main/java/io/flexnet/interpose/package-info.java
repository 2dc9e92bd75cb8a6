/**
 * Interposition, what administrators put between the applications and the wire: capture filters in
 * tcpdump's language (compiled by libpcap, run as classic BPF in Java) and the capture points that
 * write what they select as pcapng.
 *
 * <p>Uses packet (frames, header views) and nic (pcapng writing); nothing above the pipeline tier.
 */
package io.flexnet.interpose;
