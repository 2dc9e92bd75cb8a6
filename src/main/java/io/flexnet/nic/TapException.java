// Why a TAP device could not be opened, with a message that says what to do about it.
package io.flexnet.nic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Thrown by {@link TapNic#open} when the device cannot be had. {@link #kind()} tells the cause apart for
 * code; the message names the device, the system call, the errno and the fix for a person.
 */
public final class TapException extends RuntimeException {
    /** The causes a caller may want to react to differently. */
    public enum Kind {
        /** No CAP_NET_ADMIN (not root) to create the interface, or no access to the clone device. */
        PERMISSION,
        /** The clone device file does not exist. */
        NO_DEVICE_NODE,
        /** The kernel has no TUN/TAP driver (module not loaded, or not built). */
        NO_DRIVER,
        /** The interface exists and another file already serves it. */
        NAME_BUSY,
        /** The interface exists but is not a TAP (a bridge, a veth, a TUN, loopback, ...). */
        NOT_A_TAP,
        /** The interface is a TAP whose multi-queue setting differs from the one asked for. */
        QUEUE_MODE_MISMATCH,
        /** The name breaks the kernel's rules (too long, '/', ':', white space, ...). */
        BAD_NAME,
        /** Not Linux on x86_64 or aarch64. */
        UNSUPPORTED_PLATFORM,
        /** Anything else; the message carries the errno. */
        OTHER
    }

    private final Kind kind;
    private final int errno;

    TapException(Kind kind, int errno, String message) {
        super(message);
        this.kind = kind;
        this.errno = errno;
    }

    public Kind kind() { return kind; }

    /** The errno of the failed call, or 0 when the failure was found before any call. */
    public int errno() { return errno; }

    static TapException badName(String name, String why) {
        return new TapException(Kind.BAD_NAME, 0, "TAP interface name \"" + name + "\" " + why);
    }

    static TapException unsupported() {
        return new TapException(Kind.UNSUPPORTED_PLATFORM, 0, "TAP devices are supported on Linux x86_64 and"
                + " aarch64 only; this is " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ": use the in-memory NIC instead");
    }

    /** open(2) of the clone device failed. */
    static TapException forOpen(String device, int errno) {
        String call = "open(" + device + ") failed with " + describe(errno) + ": ";
        return switch (errno) {
            case Libc.ENOENT -> new TapException(Kind.NO_DEVICE_NODE, errno, call + device + " does not exist."
                    + " Load the driver (modprobe tun) or create the node (mkdir -p /dev/net &&"
                    + " mknod /dev/net/tun c 10 200 && chmod 0666 /dev/net/tun); in a container, pass the"
                    + " device in (docker run --device /dev/net/tun ...)");
            case Libc.ENODEV, Libc.ENXIO -> new TapException(Kind.NO_DRIVER, errno, call + "the kernel has no"
                    + " TUN/TAP driver. Load it with modprobe tun (kernel option CONFIG_TUN)");
            case Libc.EACCES, Libc.EPERM -> new TapException(Kind.PERMISSION, errno, call + "this user may not"
                    + " open " + device + ". Run as root, or make the node usable (chmod 0666 " + device + ")");
            default -> new TapException(Kind.OTHER, errno, call + "cannot use the TUN/TAP clone device");
        };
    }

    /**
     * A multi-queue TAP that another process serves: the kernel would let us attach more queues and
     * take a share of its flows, so we refuse before asking.
     */
    static TapException served(String name, String how) {
        return new TapException(Kind.NAME_BUSY, 0, name + " is served by another process (" + how + "): attaching"
                + " would take a share of its flows. Stop that one first, or choose another name");
    }

    /** ioctl(TUNSETIFF) failed: the interface could not be created or attached. */
    static TapException forAttach(String name, int errno, boolean multiQueue) {
        String call = "ioctl(TUNSETIFF, \"" + name + "\") failed with " + describe(errno) + ": ";
        return switch (errno) {
            case Libc.EPERM -> new TapException(Kind.PERMISSION, errno, call + "creating a TAP interface needs"
                    + " CAP_NET_ADMIN. Run as root, grant the capability (setcap cap_net_admin+ep on the java"
                    + " binary, or docker run --cap-add=NET_ADMIN), or have root create a persistent TAP you may"
                    + " open: ip tuntap add dev " + name + " mode tap user $(id -un)"
                    + (multiQueue ? " multi_queue" : ""));
            case Libc.EBUSY -> new TapException(Kind.NAME_BUSY, errno, call + "interface " + name + " is a TAP"
                    + " already served by another file (another process, or a TapNic not yet closed)."
                    + " Close that one first or choose another name");
            case Libc.EINVAL -> forExistingName(name, errno, multiQueue, call);
            default -> new TapException(Kind.OTHER, errno, call + "the kernel refused to create or attach the"
                    + " TAP interface");
        };
    }

    // TUNSETIFF answers EINVAL both for a name held by a non-TAP device and for a queue-mode mismatch;
    // the tun_flags file in sysfs, present only for TUN/TAP devices, tells which.
    private static TapException forExistingName(String name, int errno, boolean multiQueue, String call) {
        Path flagsFile = Path.of(Tun.sysfsFlags(name));
        Path device = flagsFile.getParent();
        if (!Files.exists(device)) {
            return new TapException(Kind.OTHER, errno, call + "the kernel rejected the request");
        }
        String flags;
        try {
            flags = Files.exists(flagsFile) ? Files.readString(flagsFile).trim() : null;
        } catch (IOException e) {
            flags = null;
        }
        if (flags != null) {
            int f = Integer.decode(flags);
            if ((f & Tun.IFF_TAP) != 0 && ((f & Tun.IFF_MULTI_QUEUE) != 0) != multiQueue) {
                return new TapException(Kind.QUEUE_MODE_MISMATCH, errno, call + "interface " + name
                        + " is a " + ((f & Tun.IFF_MULTI_QUEUE) != 0 ? "multi-queue" : "single-queue")
                        + " TAP; open it with " + ((f & Tun.IFF_MULTI_QUEUE) != 0 ? "2 or more queues" : "1 queue")
                        + ", or choose another name");
            }
        }
        return new TapException(Kind.NOT_A_TAP, errno, call + "interface " + name + " already exists and is not"
                + " a TAP device" + (flags != null ? " (it is a TUN)" : "")
                + ". Choose another name, or remove it (ip link del " + name + ") if it is yours");
    }

    static String describe(int errno) {
        return Libc.errnoName(errno) + " (" + Libc.strerror(errno) + ")";
    }
}
