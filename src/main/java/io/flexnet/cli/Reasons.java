// Why a file operation or a command failed, in the words a user reads: one line, no exception class.
package io.flexnet.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** One-line reasons for failures; NIO's messages repeat the path, which the caller already prints. */
final class Reasons {
    private Reasons() {}

    /** The reason alone: "permission denied", "Not a directory", or the message's first line. */
    static String of(Throwable e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof FileAlreadyExistsException) return "exists and is not a directory";
        if (e instanceof NotDirectoryException) return "not a directory";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }

    /** The reason, after the file it concerns when the failure names one. */
    static String withFile(Throwable e) {
        return e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + ": " + of(e) : of(e);
    }
}
