package io.flexnet.sched;

/**
 * A worker for scripted core-scheduler tests: no thread, busy and total time advanced by the test, and
 * a record of what the scheduler asked of it.
 */
final class FakeWorker implements CoreWorker {
    long busy;
    long total;
    boolean sleeping = true;
    boolean sleepsWhenIdle;
    boolean granted = true;  // like a fresh Worker: the scheduler must revoke it to take over
    int requestedCore = -1;
    int grants;
    int revokes;
    /** Share of the next period spent in rounds that did work. */
    double load;
    /** Inside one long round: accounts nothing until it ends. */
    boolean stalled;
    /** Wakes as soon as granted; false keeps it asleep (a wake-up still on its way). */
    boolean wakes = true;

    /** Accounts {@code nanos} of its life as the real worker would at the end of its rounds. */
    void advance(long nanos) {
        if (!granted || sleeping) return;  // parked: the real worker accounts nothing while parked
        if (stalled) return;
        total += nanos;
        busy += (long) (load * nanos);
    }

    @Override public long busyNanos() { return busy; }
    @Override public long totalNanos() { return total; }
    @Override public boolean isSleeping() { return sleeping; }
    @Override public boolean sleepsWhenIdle() { return sleepsWhenIdle; }

    @Override
    public void setGranted(boolean g) {
        if (g && !granted) grants++;
        if (!g && granted) revokes++;
        granted = g;
        if (g && wakes) sleeping = false;
        if (!g) sleeping = true;
    }

    @Override public void requestCore(int core) { requestedCore = core; }
}
