package dev.nscope.host;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;

/**
 * The one place that turns an I/O failure on a procfs or cgroupfs file into an {@link ErrorKind}.
 * A vanished process shows up as ENOENT when opening ({@code NoSuchFileException}, or
 * {@code FileNotFoundException} "(No such file or directory)") and as ESRCH when reading a file
 * already open ({@code IOException("No such process")}).
 */
public final class KernelErrors {
    private KernelErrors() {
    }

    public static ErrorKind classify(IOException e) {
        if (e instanceof FileTooLargeException) {
            return ErrorKind.TOO_LARGE;
        }
        if (e instanceof UnsafeFileException u) {
            return u.kind();
        }
        if (e instanceof MalformedFileException) {
            return ErrorKind.MALFORMED;
        }
        if (e instanceof NoSuchFileException) {
            return ErrorKind.VANISHED;
        }
        if (e instanceof AccessDeniedException) {
            return ErrorKind.PERMISSION;
        }
        if (e instanceof FileSystemLoopException) {
            return ErrorKind.IO;
        }
        String m = e.getMessage();
        if (m != null) {
            if (m.contains("No such process") || m.contains("No such file or directory")) {
                return ErrorKind.VANISHED;
            }
            if (m.contains("Permission denied") || m.contains("Operation not permitted")) {
                return ErrorKind.PERMISSION;
            }
        }
        if (e instanceof FileNotFoundException) {
            // FileInputStream reports EISDIR, ELOOP, … as FileNotFoundException with the reason in brackets
            return ErrorKind.IO;
        }
        return ErrorKind.IO;
    }

    /** True when the failure means the file or process is simply not there (absent or vanished). */
    public static boolean isAbsent(IOException e) {
        return classify(e) == ErrorKind.VANISHED;
    }
}
