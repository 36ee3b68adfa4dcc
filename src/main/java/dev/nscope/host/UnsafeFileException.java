package dev.nscope.host;

import java.io.IOException;

/**
 * A file someone other than root may have placed was refused before any of it was read: a symbolic link,
 * not a regular file (a FIFO, a device, a directory), or not owned by the user whose directory it is in.
 * {@link #kind()} says how the scan counts it.
 */
public class UnsafeFileException extends IOException {
    private final ErrorKind kind;
    private final String reason;

    public UnsafeFileException(String path, String why, ErrorKind kind) {
        super(path + ": " + why);
        this.kind = kind;
        this.reason = why;
    }

    /** Why it was refused, without the path ("not a regular file (a FIFO)"). */
    public String reason() {
        return reason;
    }

    public ErrorKind kind() {
        return kind;
    }
}
