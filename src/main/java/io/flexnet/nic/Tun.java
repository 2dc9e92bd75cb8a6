// The Linux TUN/TAP interface: ioctl numbers, flags and struct ifreq, and the rules for interface names.
package io.flexnet.nic;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Where every number comes from, so a reader can check it against the kernel's UAPI headers.
 * The ioctl numbers are encoded by {@code _IOW/_IOR} from asm-generic/ioctl.h, which x86_64 and aarch64
 * both use: direction in bits 30-31, argument size in bits 16-29, type in bits 8-15, number in bits 0-7.
 */
final class Tun {
    /** The clone device: each open file becomes one queue of one TUN/TAP interface (Documentation/networking/tuntap.rst). */
    static final String CLONE_DEVICE = "/dev/net/tun";

    /** linux/if_tun.h: {@code #define TUNSETIFF _IOW('T', 202, int)} = (1 << 30) | (4 << 16) | ('T' << 8) | 202. */
    static final long TUNSETIFF = 0x400454caL;

    /** linux/if_tun.h: {@code #define TUNSETOFFLOAD _IOW('T', 208, unsigned int)}; the flags travel by value. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** linux/if_tun.h: {@code #define TUNSETVNETHDRSZ _IOW('T', 216, int)}; reads an int through a pointer. */
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    // linux/if_tun.h, "Features for GSO (TUNSETOFFLOAD)": what the kernel may hand us unfinished.
    /** Frames may arrive with a partial transport checksum ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}). */
    static final int TUN_F_CSUM = 0x01;
    /** TCP segmentation offload for IPv4: the kernel may hand over TCP super frames of up to 64 KiB. */
    static final int TUN_F_TSO4 = 0x02;

    // linux/if_tun.h, "TUNSETIFF ifr flags".
    /** Ethernet frames (a TAP) rather than bare IP packets (a TUN). */
    static final short IFF_TAP = 0x0002;
    /** One file per queue; every queue's file attaches with the same name and this flag. */
    static final short IFF_MULTI_QUEUE = 0x0100;
    /** No 4-byte packet-information prefix: a read or write is exactly one Ethernet frame. */
    static final short IFF_NO_PI = 0x1000;
    /**
     * Every read and write starts with a {@code struct virtio_net_hdr} ({@link VirtioNetHdr}): the
     * kernel's word on the frame's checksum and segmentation, and ours on what we send.
     */
    static final short IFF_VNET_HDR = 0x4000;
    /** Set in {@code tun_flags} when the interface outlives the files that serve it ({@code TUNSETPERSIST}). */
    static final int IFF_PERSIST = 0x0800;

    /** linux/if.h: {@code #define IFNAMSIZ 16}, counting the terminating NUL, so names have at most 15 bytes. */
    static final int IFNAMSIZ = 16;
    static final int MAX_NAME_BYTES = IFNAMSIZ - 1;

    /**
     * linux/if.h, struct ifreq: {@code char ifr_name[IFNAMSIZ]} then a union whose largest member,
     * struct ifmap (two unsigned longs, a short and three chars, padded), makes it 24 bytes on LP64:
     * 40 bytes in all. TUNSETIFF reads {@code ifr_flags}, a short at the union's start (offset 16), and
     * writes the interface's real name back into {@code ifr_name}.
     */
    static final long IFREQ_SIZE = 40;
    static final long IFREQ_NAME = 0;
    static final long IFREQ_FLAGS = 16;

    /** Sysfs file present only for TUN/TAP interfaces (drivers/net/tun.c, {@code tun_flags}): the flags in hex. */
    static String sysfsFlags(String name) { return "/sys/class/net/" + name + "/tun_flags"; }

    private Tun() {}

    /**
     * True on Linux x86_64 and aarch64, whose numbers this class and {@link Libc} hold. Checked before
     * {@link Libc} is first touched, since binding its downcalls elsewhere could fail or mean other things.
     */
    static boolean supported() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        return os.equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    /**
     * Checks a name the way the kernel's {@code dev_valid_name} (net/core/dev.c) will, so a bad name
     * fails here with a message rather than as a bare EINVAL, or worse, silently truncated. A single
     * {@code %d} asks the kernel to pick the lowest free number ({@code "fx%d"} becomes fx0, fx1, ...).
     */
    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw TapException.badName(name, "is empty; give a name such as \"fx0\", or \"fx%d\" to let the kernel number it");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw TapException.badName(name, "is " + bytes + " bytes long; Linux interface names have at most "
                    + MAX_NAME_BYTES + " bytes (IFNAMSIZ is 16 with the terminating NUL): choose a shorter name");
        }
        if (name.equals(".") || name.equals("..")) {
            throw TapException.badName(name, "is reserved; choose another name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c == 0) {
                throw TapException.badName(name, "contains '" + (c == 0 ? "\\0" : String.valueOf(c))
                        + "'; interface names may not contain '/', ':', NUL or white space");
            }
        }
        int percent = name.indexOf('%');
        if (percent >= 0 && (!name.startsWith("%d", percent) || name.indexOf('%', percent + 1) >= 0)) {
            throw TapException.badName(name, "has a '%' other than a single \"%d\" (the kernel's number placeholder)");
        }
    }

    /** Fills a zeroed 40-byte ifreq for TUNSETIFF. */
    static void fillIfreq(MemorySegment ifreq, String name, short flags) {
        ifreq.fill((byte) 0);
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, ifreq, ValueLayout.JAVA_BYTE, IFREQ_NAME, b.length);
        ifreq.set(ValueLayout.JAVA_SHORT, IFREQ_FLAGS, flags);  // native order, as the kernel reads it
    }

    /** The name the kernel wrote back (differs from the request when it held {@code %d}). */
    static String ifreqName(MemorySegment ifreq) {
        return ifreq.asSlice(IFREQ_NAME, IFNAMSIZ).getString(0, StandardCharsets.UTF_8);
    }
}
