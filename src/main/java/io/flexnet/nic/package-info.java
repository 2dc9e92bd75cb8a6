/**
 * Where frames enter and leave, behind {@link io.flexnet.nic.NicDriver}: the in-memory multi-queue
 * NIC with RSS steering (the default for tests and experiments), pcap reading, writing, capture and
 * replay, and a Linux TAP device through the foreign-function API. {@link io.flexnet.nic.FaultyNic}
 * wraps any of them with a {@link io.flexnet.nic.FaultLink}: seeded loss, corruption, duplication,
 * reordering, delay and a rate limit in the runtime's time, for tests and experiments alike.
 *
 * <p>Depends on packet only: a driver moves frames and knows nothing of layers or pipelines.
 */
package io.flexnet.nic;
