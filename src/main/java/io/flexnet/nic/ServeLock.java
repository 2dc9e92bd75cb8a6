// An exclusive lock, across processes, on serving one TAP interface.
package io.flexnet.nic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A lock file per interface name ({@code flexnet-tap-NAME.lock} in the runtime directory, or the
 * temporary directory), locked with {@code fcntl} through {@link FileChannel#tryLock()}: the kernel
 * drops it when the process ends, however it ends, so a crash leaves nothing to clean up.
 */
final class ServeLock {
    private final FileChannel channel;
    private final FileLock lock;

    private ServeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock for {@code name}, or null when another process (or another driver here) holds it. */
    static ServeLock acquire(String name) {
        Path dir = Files.isDirectory(Path.of("/run")) && Files.isWritable(Path.of("/run"))
                ? Path.of("/run") : Path.of(System.getProperty("java.io.tmpdir"));
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve("flexnet-tap-" + name + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return null;
            }
            return new ServeLock(ch, l);
        } catch (OverlappingFileLockException held) {
            closeQuietly(ch);
            return null;
        } catch (IOException e) {
            closeQuietly(ch);
            return null;  // no lock file possible: refuse rather than share silently
        }
    }

    void release() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do: the lock goes with the process anyway
        }
    }
}
