// The simulator's agenda: an indexed binary min-heap over preallocated arrays, one pending time per handle.
package io.flexnet.runtime.sim;

import java.util.Arrays;

/**
 * Pending events ordered by time, ties broken by the order they were scheduled, so a run is the same
 * every time. Each event source (a simulated thread, a timer) owns one handle, made once at set-up,
 * and has at most one pending time: scheduling a queued handle moves it. The heap is an array of
 * handles with each handle's position kept beside it (Sedgewick's indexed priority queue), so moving
 * and cancelling cost O(log n) and nothing is allocated once the handles exist.
 */
final class EventQueue {
    private long[] time = new long[16];
    private long[] seq = new long[16];
    /** Position of each handle in {@link #heap}, or -1 when not queued. */
    private int[] pos = new int[16];
    private int[] heap = new int[16];
    private int size;
    private int handles;
    private long nextSeq;

    EventQueue() { Arrays.fill(pos, -1); }

    /** A new handle, not queued. Set-up only: it may grow the arrays. */
    int newHandle() {
        if (handles == pos.length) {
            int n = handles * 2;
            time = Arrays.copyOf(time, n);
            seq = Arrays.copyOf(seq, n);
            heap = Arrays.copyOf(heap, n);
            pos = Arrays.copyOf(pos, n);
            Arrays.fill(pos, handles, n, -1);
        }
        return handles++;
    }

    /** Queues {@code h} at {@code t}, or moves it there if it was queued. */
    void schedule(int h, long t) {
        time[h] = t;
        seq[h] = nextSeq++;
        int i = pos[h];
        if (i < 0) {
            i = size++;
            heap[i] = h;
            pos[h] = i;
            up(i);
        } else {
            up(i);
            down(pos[h]);
        }
    }

    /** Queues {@code h} at {@code t} unless it is already queued no later. */
    void scheduleNoLaterThan(int h, long t) {
        if (pos[h] >= 0 && time[h] <= t) return;
        schedule(h, t);
    }

    void cancel(int h) {
        int i = pos[h];
        if (i < 0) return;
        pos[h] = -1;
        int last = heap[--size];
        if (i < size) {
            heap[i] = last;
            pos[last] = i;
            up(i);
            down(pos[last]);
        }
    }

    boolean queued(int h) { return pos[h] >= 0; }

    boolean isEmpty() { return size == 0; }

    int size() { return size; }

    /** Time of the earliest event; call only when not empty. */
    long peekTime() { return time[heap[0]]; }

    /** Removes the earliest event and returns its handle; call only when not empty. */
    int poll() {
        int h = heap[0];
        cancel(h);
        return h;
    }

    private boolean less(int a, int b) {
        return time[a] < time[b] || (time[a] == time[b] && seq[a] < seq[b]);
    }

    private void up(int i) {
        int h = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = heap[parent];
            if (!less(h, p)) break;
            heap[i] = p;
            pos[p] = i;
            i = parent;
        }
        heap[i] = h;
        pos[h] = i;
    }

    private void down(int i) {
        int h = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && less(heap[r], heap[c])) c = r;
            if (!less(heap[c], h)) break;
            heap[i] = heap[c];
            pos[heap[i]] = i;
            i = c;
        }
        heap[i] = h;
        pos[h] = i;
    }
}
