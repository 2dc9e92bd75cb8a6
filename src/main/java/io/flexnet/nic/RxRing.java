package io.flexnet.nic;

import io.flexnet.packet.Packet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * One receive queue of an {@link InMemoryNic} and its wake-up flag, which decides when the driver calls
 * the {@link NicDriver.RxListener}: once per empty-to-non-empty transition as the poller saw it.
 *
 * <p>The protocol is a Dekker handshake on two volatile accesses per side. The poller, on finding the
 * queue empty, arms the flag (volatile store) and then looks at the queue again (volatile read of the
 * producer index). A producer first publishes its frame (CAS on the producer index) and then reads the
 * flag (volatile). Sequential consistency of volatile accesses means at least one of them sees the
 * other: either the producer sees the flag armed and notifies, or the poller sees the frame and goes
 * on polling. So no wake-up is lost; a spurious one is possible and harmless.
 */
final class RxRing {
    private static final VarHandle ARMED;

    static {
        try {
            ARMED = MethodHandles.lookup().findVarHandle(RxRing.class, "armed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final MessagePassingQueue<Packet> queue;
    /** 1 when the poller last saw the queue empty and no producer has notified since. Starts armed. */
    @SuppressWarnings("unused")
    private volatile int armed = 1;

    /**
     * Producers are many: any thread may inject (load-generator threads, a replay thread). The consumer
     * is, like a NIC queue under NAPI, one poller at a time, so MPSC by default: its poll is a plain
     * ordered store where MPMC needs a CAS per frame. A design whose workers may poll one queue at the
     * same moment (stealing, overlapping core hand-over) asks for {@code sharedPolling} and gets MPMC.
     */
    RxRing(int capacity, boolean sharedPolling) {
        this.queue = sharedPolling ? new MpmcAtomicArrayQueue<>(capacity) : new MpscAtomicArrayQueue<>(capacity);
    }

    /** Producer side, after a successful offer: true if this producer must notify the listener. */
    boolean claimWakeUp() {
        // Volatile read first: the common case under load is "not armed", one load and no CAS.
        return armed == 1 && ARMED.compareAndSet(this, 1, 0);
    }

    /** Poller side, on finding the queue empty: arms the flag, then reports whether it is still empty. */
    boolean armAndCheckEmpty() {
        armed = 1;
        return queue.isEmpty();
    }
}
