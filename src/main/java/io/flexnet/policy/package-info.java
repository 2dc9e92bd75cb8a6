/**
 * Syrup-style matching policies and where they run: the hooks (NIC receive queue, {@code queue()}
 * point, socket in a port group), the input a policy reads, tenants and their isolation, the
 * built-in policies, maps shared with applications (optionally in shared memory), and the agent that
 * hands out the token-based policy's tokens each period.
 *
 * <p>Depends on packet, runtime, nic (the receive-queue hook is a steering) and pipeline (the
 * {@code queue()} hook is a selector).
 */
package io.flexnet.policy;
