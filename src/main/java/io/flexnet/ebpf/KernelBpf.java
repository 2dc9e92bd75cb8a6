package io.flexnet.ebpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads the same object into the Linux kernel with {@code bpf(2)}, through the foreign-function API:
 * a map per map the object declares ({@code BPF_MAP_CREATE}), the program with the maps' descriptors
 * patched into its {@code lddw}s ({@code BPF_PROG_LOAD}). So a policy can be checked against the
 * kernel's own verifier and run by the kernel beside our run of it. Linux x86-64 and arm64 only.
 */
public final class KernelBpf implements AutoCloseable {
    static final int MAP_CREATE = 0, MAP_UPDATE_ELEM = 2, PROG_LOAD = 5;
    public static final int PROG_TYPE_SK_REUSEPORT = 21, ATTACH_SK_REUSEPORT_SELECT = 39;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** The kernel said no: {@code errno} and, for a program, the kernel verifier's log. */
    public static final class KernelException extends Exception {
        public final int errno;
        public final String log;

        KernelException(String what, int errno, String log) {
            super(what + " failed: errno " + errno + (log.isEmpty() ? "" : "\n" + log));
            this.errno = errno;
            this.log = log;
        }
    }

    private final Arena arena = Arena.ofConfined();
    private final int[] mapFds;
    private final int progFd;

    private KernelBpf(int[] mapFds, int progFd) {
        this.mapFds = mapFds;
        this.progFd = progFd;
    }

    static long sysBpf() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 321;
            case "aarch64" -> 280;
            default -> -1;
        };
    }

    private static long bpf(int cmd, MemorySegment attr, String what) throws KernelException {
        if (sysBpf() < 0) throw new KernelException(what + " (no bpf(2) number for " + System.getProperty("os.arch") + ")", 38, "");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long r = (long) SYSCALL.invokeExact(state, sysBpf(), (long) cmd, attr, attr.byteSize());
            if (r < 0) throw new KernelException(what, (int) ERRNO.get(state, 0L), "");
            return r;
        } catch (KernelException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Creates the object's maps and loads {@code program} as {@code progType}. */
    public static KernelBpf load(BpfObject.Program program, List<MapDef> maps, int progType, int attachType) throws KernelException {
        int[] fds = new int[maps.size()];
        try (Arena a = Arena.ofConfined()) {
            for (int i = 0; i < fds.length; i++) {
                MapDef d = maps.get(i);
                MemorySegment attr = a.allocate(72, 8);
                attr.set(ValueLayout.JAVA_INT, 0, d.global() ? MapDef.ARRAY : d.type());
                attr.set(ValueLayout.JAVA_INT, 4, d.keySize());
                attr.set(ValueLayout.JAVA_INT, 8, d.valueSize());
                attr.set(ValueLayout.JAVA_INT, 12, d.maxEntries());
                byte[] name = d.name().getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(name, 0, attr, ValueLayout.JAVA_BYTE, 24, Math.min(15, name.length));
                fds[i] = (int) bpf(MAP_CREATE, attr, "BPF_MAP_CREATE " + d.name());
                if (d.global()) {
                    MemorySegment key = a.allocate(4), value = a.allocate(d.valueSize());
                    MemorySegment.copy(d.initial(), 0, value, ValueLayout.JAVA_BYTE, 0, d.valueSize());
                    update(fds[i], key, value, a);
                }
            }
            Insn[] code = program.insns().clone();
            for (int i = 0; i < code.length; i++) {
                Insn x = code[i];
                if (!x.isLddw() || x.src() == 0) continue;
                int fd = fds[x.imm()];
                code[i] = new Insn(x.opcode(), x.dst(), x.src(), x.off(), fd, (x.imm64() & 0xFFFF_FFFF_0000_0000L) | (fd & 0xFFFF_FFFFL));
            }
            byte[] bytes = Insn.encode(code);
            MemorySegment insns = a.allocate(bytes.length, 8);
            MemorySegment.copy(bytes, 0, insns, ValueLayout.JAVA_BYTE, 0, bytes.length);
            MemorySegment license = a.allocateFrom("GPL");
            MemorySegment log = a.allocate(1 << 16);
            MemorySegment attr = a.allocate(128, 8);
            attr.set(ValueLayout.JAVA_INT, 0, progType);
            attr.set(ValueLayout.JAVA_INT, 4, code.length);
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());
            attr.set(ValueLayout.JAVA_LONG, 16, license.address());
            attr.set(ValueLayout.JAVA_INT, 24, 1);
            attr.set(ValueLayout.JAVA_INT, 28, (int) log.byteSize());
            attr.set(ValueLayout.JAVA_LONG, 32, log.address());
            attr.set(ValueLayout.JAVA_INT, 68, attachType);
            int prog;
            try {
                prog = (int) bpf(PROG_LOAD, attr, "BPF_PROG_LOAD " + program.name());
            } catch (KernelException e) {
                for (int fd : fds) closeFd(fd);
                throw new KernelException("BPF_PROG_LOAD " + program.name(), e.errno, log.getString(0));
            }
            return new KernelBpf(fds, prog);
        } catch (KernelException e) {
            throw e;
        }
    }

    private static void update(int fd, MemorySegment key, MemorySegment value, Arena a) throws KernelException {
        MemorySegment attr = a.allocate(32, 8);
        attr.set(ValueLayout.JAVA_INT, 0, fd);
        attr.set(ValueLayout.JAVA_LONG, 8, key.address());
        attr.set(ValueLayout.JAVA_LONG, 16, value.address());
        bpf(MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM");
    }

    /** Stores a u64 at u32 {@code key} of map {@code map} (for a socket array: the socket's descriptor). */
    public void update(int map, int key, long value) throws KernelException {
        MemorySegment k = arena.allocate(4), v = arena.allocate(8);
        k.set(ValueLayout.JAVA_INT, 0, key);
        v.set(ValueLayout.JAVA_LONG, 0, value);
        update(mapFds[map], k, v, arena);
    }

    public int programFd() { return progFd; }

    public int mapFd(int map) { return mapFds[map]; }

    private static void closeFd(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        closeFd(progFd);
        for (int fd : mapFds) closeFd(fd);
        arena.close();
    }
}
