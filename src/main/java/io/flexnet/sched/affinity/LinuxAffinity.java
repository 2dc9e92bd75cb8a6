package io.flexnet.sched.affinity;

import io.flexnet.runtime.RealRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link RealRuntime.Affinity} over glibc's {@code sched_setaffinity(2)}, {@code sched_getaffinity(2)}
 * and {@code sched_getcpu(3)}, called through {@link Linker} (no JNI, no native library of our own).
 *
 * <p>{@code pid 0} means "the calling thread" to both affinity calls, so {@link #pin} pins whoever calls
 * it: a worker pins itself from its own loop. The kernel migrates the caller before the call returns,
 * so {@link #currentCore()} right after a successful pin reads the new core.
 *
 * <p>Use {@link #orUnpinned()}: where these calls cannot be bound (not Linux, no glibc) it logs that once
 * and hands back an affinity that pins nothing. A pin the kernel refuses (a core outside the cgroup's
 * cpuset, say) is also logged once per instance and reported as {@code false}; the thread runs unpinned.
 */
public final class LinuxAffinity implements RealRuntime.Affinity {
    private static final System.Logger LOG = System.getLogger(LinuxAffinity.class.getName());
    /** glibc's {@code cpu_set_t}: 1024 bits. Grown on EINVAL for machines with more CPUs. */
    private static final int MIN_MASK_BYTES = 128;
    private static final int MAX_MASK_BYTES = 1 << 16;
    private static final int EINVAL = 22;

    private final MethodHandle setAffinity;
    private final MethodHandle getAffinity;
    private final MethodHandle getCpu;
    private final StructLayout stateLayout;
    private final VarHandle errno;
    private final int maskBytes;
    private final int[] allowed;
    private final AtomicBoolean refusalLogged = new AtomicBoolean();

    private LinuxAffinity() throws Throwable {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errnoOpt = Linker.Option.captureCallState("errno");
        stateLayout = Linker.Option.captureStateLayout();
        errno = stateLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        // int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask)
        FunctionDescriptor affinityFn = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        setAffinity = linker.downcallHandle(find(libc, "sched_setaffinity"), affinityFn, errnoOpt);
        getAffinity = linker.downcallHandle(find(libc, "sched_getaffinity"), affinityFn, errnoOpt);
        getCpu = linker.downcallHandle(find(libc, "sched_getcpu"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        int bytes = MIN_MASK_BYTES;
        int[] cores;
        while ((cores = readAllowed(bytes)) == null) {
            bytes <<= 1;
            if (bytes > MAX_MASK_BYTES) throw new IllegalStateException("sched_getaffinity: mask too large");
        }
        maskBytes = bytes;
        allowed = cores;
        if (allowed.length == 0) throw new IllegalStateException("sched_getaffinity allowed no core");
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsupportedOperationException("no symbol " + name));
    }

    /**
     * The Linux affinity if it can be bound here, else one that pins nothing; either way the caller may
     * go on. Says once, through {@link System.Logger}, why threads will run unpinned.
     */
    public static RealRuntime.Affinity orUnpinned() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Unpinned.because("CPU affinity needs Linux; this is " + os);
        }
        try {
            return new LinuxAffinity();
        } catch (Throwable t) {
            return Unpinned.because("sched_setaffinity is not usable here (" + t + ")");
        }
    }

    /** A real runtime whose threads can pin themselves, or run unpinned where that is impossible. */
    public static RealRuntime runtime() { return RealRuntime.withAffinity(orUnpinned()); }

    /** Pins the calling thread to {@code core}; false (logged once) when the kernel refuses. */
    @Override
    public boolean pin(int core) {
        if (core < 0 || core >= maskBytes * 8) return refused(core, EINVAL);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(maskBytes, 8);
            setBit(mask, core);
            MemorySegment state = arena.allocate(stateLayout);
            int rc = (int) setAffinity.invokeExact(state, 0, (long) maskBytes, mask);
            return rc == 0 || refused(core, (int) errno.get(state, 0L));
        } catch (Throwable t) {
            return refused(core, -1);
        }
    }

    /** Lets the calling thread run on every core it was allowed at start again. */
    public boolean unpin() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(maskBytes, 8);
            for (int c : allowed) setBit(mask, c);
            MemorySegment state = arena.allocate(stateLayout);
            return (int) setAffinity.invokeExact(state, 0, (long) maskBytes, mask) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** The core the calling thread is on now (it may move the next instant unless pinned). */
    @Override
    public int currentCore() {
        try {
            return (int) getCpu.invokeExact();
        } catch (Throwable t) {
            return -1;
        }
    }

    /** The cores this process was allowed to run on when this affinity was made, ascending. */
    public int[] allowedCores() { return allowed.clone(); }

    /** The calling thread's allowed cores now, ascending. */
    public int[] currentAllowedCores() {
        int[] c = readAllowed(maskBytes);
        return c == null ? new int[0] : c;
    }

    /** Null when {@code bytes} is too small a mask for this kernel (EINVAL). */
    private int[] readAllowed(int bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(bytes, 8);
            MemorySegment state = arena.allocate(stateLayout);
            int rc = (int) getAffinity.invokeExact(state, 0, (long) bytes, mask);
            if (rc < 0) {
                int err = (int) errno.get(state, 0L);
                if (err == EINVAL) return null;
                throw new IllegalStateException("sched_getaffinity failed, errno " + err);
            }
            int[] out = new int[bytes * 8];
            int n = 0;
            for (int word = 0; word < bytes / 8; word++) {
                long bits = mask.getAtIndex(ValueLayout.JAVA_LONG, word);
                while (bits != 0) {
                    out[n++] = word * 64 + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                }
            }
            return Arrays.copyOf(out, n);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** cpu_set_t is an array of unsigned longs in native order; CPU n is bit n % 64 of word n / 64. */
    private static void setBit(MemorySegment mask, int core) {
        long word = mask.getAtIndex(ValueLayout.JAVA_LONG, core >>> 6);
        mask.setAtIndex(ValueLayout.JAVA_LONG, core >>> 6, word | (1L << (core & 63)));
    }

    private boolean refused(int core, int err) {
        if (refusalLogged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "cannot pin to core " + core + " (errno " + err
                    + ", allowed " + Arrays.toString(allowed) + "): threads run unpinned");
        }
        return false;
    }

    @Override
    public String toString() { return "LinuxAffinity" + Arrays.toString(allowed); }
}
