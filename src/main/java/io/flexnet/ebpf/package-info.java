/**
 * Untrusted extensions as eBPF: a strict reader of clang's ELF objects (BTF-defined and legacy maps,
 * global data, relocations), a verifier that refuses with the Linux verifier's kind of diagnosis, an
 * interpreter (RFC 9669) and a JIT to JVM bytecode, the hooks' contexts and helpers, and
 * {@link io.flexnet.ebpf.BpfPolicy}, which a tenant deploys like a Java matching policy.
 *
 * <p>May use {@code runtime} (the clock {@code bpf_ktime_get_ns} reads) and {@code policy} (the
 * policy it makes and the maps it shares); nothing else of the stack. The loader, verifier,
 * interpreter and JIT use neither.
 */
package io.flexnet.ebpf;
